//! A bot's decisions, from the frames a player receives (never from hidden state). Pure apart
//! from its seeded random choice of chat lines: `on_frame` records what was seen, `next_action`
//! says what to send now. What differs between bots is their [`Strategy`](super::strategies)
//! (one file each in `bots/strategies/`); the strategies are documented in `docs/bots.md`.

use super::strategies::{Counterpart, Moment, StrategyRef};
use crate::core::game::{ActionKind, OfferStatus, Phase};
use crate::wire::{OutcomeView, ServerMsg, StateView};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::SeedableRng;
use serde_json::{json, Map, Value};

const GREETINGS: &[&str] = &[
    "Hi! Nice to meet you.",
    "Hello there, good to be talking with you.",
    "Hey! How is your day going?",
    "Hi, thanks for joining. How are you doing?",
];
/// Answers to icebreakers by topic: the first topic with a keyword in the question wins. Each
/// answer hands the question back, as people do in small talk.
static ICEBREAKER_TOPICS: &[(&[&str], &[&str])] = &[
    // Topics of the icebreakers added with the larger scenario library; the more specific
    // keywords come first so that a general one further down (city, food) does not take them.
    (
        &["bought with your own money", "first thing you ever bought"],
        &["A second-hand cassette player. I saved for months. What was yours?"],
    ),
    (&["bought online"], &["Best: a second-hand desk lamp. Worst: shoes two sizes too small. And yours?"]),
    (&["smell"], &["Cut grass, and a lawnmower somewhere down the street. What's yours?"]),
    (&["sunday morning", "breakfast"], &["Warm bread with butter and far too much coffee. What about you?"]),
    (&["tradition"], &["A big family lunch at New Year where everyone brings one dish. Yours?"]),
    (&["free week", "no obligations"], &["A train to somewhere I've never been, and a lot of walking. How about you?"]),
    (
        &["taught you the most"],
        &["An older colleague who showed me how to stay calm with an upset customer. Who was yours?"],
    ),
    (
        &["learned by watching"],
        &["Cooking rice properly, from watching a friend's mother. No recipe, just timing. You?"],
    ),
    (&["skill someone"], &["Someone on my team can fix almost any bike. Nobody would guess. Anyone on yours?"]),
    (&["comic", "cartoon"], &["An old adventure comic my uncle kept in a box. I read it until it fell apart. Yours?"]),
    (&["no good translation"], &["I love the words for cosy feelings that other languages have. Do you have one?"]),
    (&["translated"], &["A funny children's book from my childhood; I'd love friends abroad to read it. Yours?"]),
    (&["night owl", "early bird"], &["An early bird, ever since a summer job that started at six. You?"]),
    (&["festival"], &["Somewhere with a street-food festival: music and something to eat on every corner. Yours?"]),
    (&["concert"], &["A school brass band in a park, if that counts. I was hooked. What was yours?"]),
    (&["dancing"], &["Anything with a good horn section; I can't sit still. What gets you going?"]),
    (&["meal"], &["Grilled fish at a harbour café, eaten with our hands. What was yours?"]),
    (&["instrument"], &["The drums, though my neighbours might object. Which one would you pick?"]),
    (&["hottest", "coldest"], &["Minus twenty on a winter trip; my eyelashes froze. What about you?"]),
    (&["tune", "celebrations"], &["An old birthday song my aunt always starts too high. Yours?"]),
    (&["food truck"], &["Dumplings, with three sauces and a queue round the corner. What would yours sell?"]),
    (&["neighbourhood"], &["The bakery on the corner and the old men playing cards outside it. What about yours?"]),
    (&["neighbour"], &["An old man next door who fixed everyone's bikes for free. Do you have someone like that?"]),
    (&["first car"], &["A tiny old hatchback whose door only opened from the inside. Yours?"]),
    (&["market"], &["A covered market with a hundred cheeses and one very patient seller. Any favourite?"]),
    (&["drawing"], &["Houses with smoke coming out of every chimney, over and over. What about you?"]),
    (&["sports team"], &["My family argued about football every weekend; I pretended to follow. Yours?"]),
    (&["concentrate"], &["Quiet piano with no words; lyrics pull me in. What do you put on?"]),
    (&["poster", "album cover"], &["An old travel poster of a mountain railway, all bold colours. Any favourite?"]),
    (&["swap jobs"], &["A zookeeper, for the animals rather than the cleaning. Who would you swap with?"]),
    (&["every home"], &["A window I can see the sky from while washing up. What's yours?"]),
    (&["live anywhere"], &["Somewhere by the sea with a good market, maybe in Portugal. Where would you go?"]),
    (
        &["strangest thing"],
        &["A box of old letters in the attic. We gave them to a neighbour who knew the family. You?"],
    ),
    (&["place to play"], &["A dried-up stream behind our street, full of frogs and old bricks. Where was yours?"]),
    (&["sport or game"], &["Rounders. I'd still play it tomorrow if anyone asked. Yours?"]),
    (&["local park"], &["More benches in the shade, and a water fountain that works. What would you add?"]),
    (&["teacher", "coach"], &["A maths teacher who made us laugh so much we forgot to be scared of numbers. Yours?"]),
    (&["lunch"], &["A bench by the water with a sandwich and no phone. Where do you go?"]),
    (&["switch off"], &["A long cook on Sunday with music on. How do you switch off?"]),
    (&["recipe"], &["A simple tomato soup; I could make it half asleep. What's yours?"]),
    (&["would you miss"], &["A tiny bakery with the best cinnamon buns; I'd miss it terribly. Yours?"]),
    (&["city you live in"], &["The trams and the little bakeries. What do you love about yours?"]),
    (&["campfire"], &["Bananas with chocolate baked in foil. Messy, but nobody complained. What about you?"]),
    (
        &["eaten", "cooked", "food"],
        &["A bowl of ramen at a tiny place near a station. I still think about the broth. You?"],
    ),
    (
        &["sleep", "tent", "cabin", "hotel"],
        &["A cabin, every time: a real bed and still the sound of the trees. And you?"],
    ),
    (&["weather"], &["A hailstorm on a ferry crossing. Everyone crowded inside, laughing nervously. Yours?"]),
    (&["animal"], &["An otter. I've never seen one in the wild and I'd be thrilled. What would you pick?"]),
    (&["song", "singing"], &["Something everyone half-knows, like an old Beatles tune, so nobody feels shy. Yours?"]),
    (&["swim"], &["My grandmother, in a cold lake, with a lot of patience. Who taught you?"]),
    (
        &["holiday", "as a kid"],
        &["A week at the seaside with cousins, building dams in the sand every day. And yours?"],
    ),
    (&["luxury"], &["A proper pillow. Everything else I can rough. What would you bring?"]),
    (
        &["built", "took apart", "took it apart"],
        &["An old radio. I got it apart easily, putting it back was another story. You?"],
    ),
    (&["robot", "chore"], &["Ironing, without a doubt. I'd happily never do it again. Which one would you give away?"]),
    (
        &["grow up", "grew up"],
        &["A small town by a river. I miss how everyone knew the baker by name. Where did you grow up?"],
    ),
    (&["hobby"], &["Bouldering. My friends did not expect it from someone who used to avoid all sport. Yours?"]),
    (&["advice"], &["Ask the question you think is stupid, early. It has saved me many times. What was yours?"]),
    (&["worst shift", "rota"], &["A run of early starts at a bakery, up at four for two months. What was yours?"]),
    (
        &["first job", "your first job", "very first job"],
        &["Stacking shelves in a supermarket. It taught me that small jobs done well matter. Yours?"],
    ),
    (
        &["manufacturing", "end up working"],
        &["Mostly by accident: a summer job on a production line that I ended up loving. And you?"],
    ),
    (&["bike"], &["About eighty kilometres along a canal. My legs had opinions the next day. You?"]),
    (
        &["beautifully made", "product you own"],
        &["A cheap pocket knife that has lasted fifteen years. Simple and perfect. Yours?"],
    ),
    (&["ten years old", "want to be"], &["A lighthouse keeper, for some reason. What did you want to be?"]),
    (&["saturday", "no plans"], &["A long breakfast, a walk somewhere new, and an early night. How about you?"]),
    (&["local place", "visitors"], &["A little market hall near the old station, great for lunch. Any tip from you?"]),
    (&["outing", "offsite"], &["A day of sailing where nobody knew how to sail. We learned fast. Yours?"]),
    (&["app"], &["The weather app, to decide whether I cycle. What's yours?"]),
    (&["desk", "wall"], &["A postcard from a colleague who retired; it reminds me to ask for help. And yours?"]),
    (&["café", "cafe"], &["I'd happily be on the till and chat to everyone. Who would you put on the coffee machine?"]),
    (
        &["reading", "watching", "listening"],
        &["A podcast about how everyday things are made. Anything good on your side?"],
    ),
    (&["small win"], &["I finally fixed a dripping tap myself. Tiny, but very satisfying. Yours?"]),
    (
        &["break", "mountains", "coast", "city"],
        &["The coast: a long walk by the water clears my head. Where do you go?"],
    ),
];
/// When no topic matches the icebreaker.
static ICEBREAKER_FALLBACK: &[&str] = &[
    "Good question, I need a second to think about that one. What's your answer?",
    "Hmm, that's a nice one. You go first, I'm curious!",
];

/// An answer that fits the icebreaker's topic.
pub fn icebreaker_answers(question: &str) -> &'static [&'static str] {
    let q = question.to_lowercase();
    ICEBREAKER_TOPICS
        .iter()
        .find(|(keys, _)| keys.iter().any(|k| q.contains(k)))
        .map(|(_, answers)| *answers)
        .unwrap_or(ICEBREAKER_FALLBACK)
}
const SMALL_TALK_FOLLOWUPS: &[&str] = &[
    "That sounds lovely, I can picture it.",
    "Ha, I like that. Thanks for sharing.",
    "Nice! It's good to know a bit about who I'm talking to.",
];
const QUESTIONS: &[&str] = &[
    "Before we trade numbers: which of these issues matters most to you, {a} or {b}?",
    "What would make {a} work for you?",
    "Can you tell me a bit about why {a} matters to you?",
];

/// What a bot knows: only what its own frames said.
pub struct Brain {
    /// Strategy.
    pub strategy: StrategyRef,
    rng: StdRng,
    state: Option<StateView>,
    /// Lines to say soon (replies to chat).
    pending_chat: Vec<String>,
    my_chats_in_phase: usize,
    phase: Option<Phase>,
    asked: bool,
    disclosed: bool,
    guessed: bool,
    ready_sent: bool,
    surveyed: bool,
    last_offer_target: Option<i64>,
    /// Values to me of the counterpart's successive offers.
    their_offer_values: Vec<i64>,
    /// Points the counterpart's offers have conceded to me so far.
    conceded_to_me: f64,
    counterpart: Counterpart,
    last_chat_at: i64,
    /// Lines already said in this match: a bot never says the same line twice.
    said: std::collections::HashSet<String>,
    /// The counterparts' offers seen so far, by id: value to me (state frames carry a window).
    their_offers: std::collections::BTreeMap<u64, i64>,
}

/// Least time between two chat messages of a bot (the server allows one a second).
pub const CHAT_SPACING_MS: i64 = 1100;
/// Most chat lines a bot sends in one phase.
pub const MAX_CHATS_PER_PHASE: usize = 4;

impl Brain {
    /// A new brain with a seed for its chat choices.
    pub fn new(strategy: StrategyRef, seed: u64) -> Brain {
        Brain {
            strategy,
            rng: StdRng::seed_from_u64(seed),
            state: None,
            pending_chat: Vec::new(),
            my_chats_in_phase: 0,
            phase: None,
            asked: false,
            disclosed: false,
            guessed: false,
            ready_sent: false,
            surveyed: false,
            last_offer_target: None,
            their_offer_values: Vec::new(),
            conceded_to_me: 0.0,
            counterpart: Counterpart::default(),
            last_chat_at: i64::MIN / 2,
            said: Default::default(),
            their_offers: Default::default(),
        }
    }

    /// The match is over for this bot.
    pub fn done(&self) -> bool {
        self.phase == Some(Phase::Results) || (self.phase == Some(Phase::Survey) && self.surveyed)
    }

    /// Current phase (none before a match).
    pub fn phase(&self) -> Option<Phase> {
        self.phase
    }

    fn my_seat(&self) -> Option<usize> {
        Some(self.state.as_ref()?.you.seat)
    }

    /// Records a frame.
    pub fn on_frame(&mut self, f: &ServerMsg) {
        match f {
            ServerMsg::State(st) => {
                if Some(st.phase) != self.phase {
                    self.phase = Some(st.phase);
                    self.my_chats_in_phase = 0;
                    self.ready_sent = false;
                }
                let me = st.you.seat;
                // Track the counterparts' offers as values to me, by id: a state frame may carry
                // only the newest offers, so new ids are what is new.
                let before = self.their_offers.len();
                for o in st.offers.iter().filter(|o| o.seat != me) {
                    self.their_offers.entry(o.id).or_insert(o.value_to_you);
                }
                if self.their_offers.len() > before {
                    let theirs: Vec<i64> = self.their_offers.values().copied().collect();
                    let prev = self.their_offer_values.last().copied();
                    if let (Some(p), Some(&n)) = (prev, theirs.last()) {
                        if n > p {
                            self.conceded_to_me += (n - p) as f64;
                        }
                    }
                    self.their_offer_values = theirs;
                }
                self.state = Some((**st).clone());
            }
            ServerMsg::Chat(line) => {
                if line.seat.is_some() && line.seat == self.my_seat() {
                    return;
                }
                let text = line.text.to_lowercase();
                if line.seat.is_none() {
                    // The icebreaker: answer it, on its topic.
                    if let Some(a) = self.pick(icebreaker_answers(&text)) {
                        self.pending_chat.push(a);
                    }
                    return;
                }
                if text.contains("final") || text.contains("take it or leave") || text.contains("walk") {
                    self.counterpart.pressure = true;
                }
                if text.contains('?')
                    || text.contains("understand")
                    || text.contains("sounds like")
                    || text.contains("thank")
                {
                    self.counterpart.warm = true;
                }
                // Answer questions and pressure, not every line (two bots would never stop).
                let answerable = text.contains('?') || self.counterpart.pressure;
                if answerable && self.pending_chat.is_empty() {
                    let line = if self.phase == Some(Phase::SmallTalk) {
                        self.pick(SMALL_TALK_FOLLOWUPS)
                    } else {
                        self.fill(self.strategy.bargaining_replies(&self.counterpart))
                    };
                    self.pending_chat.extend(line);
                }
            }
            _ => {}
        }
    }

    /// A line not said yet in this match, or none when every one has been said.
    fn pick(&mut self, lines: &[&str]) -> Option<String> {
        let fresh: Vec<&&str> = lines.iter().filter(|l| !self.said.contains(**l)).collect();
        fresh.choose(&mut self.rng).map(|l| l.to_string())
    }

    /// My points for each option of an issue.
    fn points(&self, issue: &str) -> &[i64] {
        self.state.as_ref().and_then(|st| st.you.points.get(issue)).map(Vec::as_slice).unwrap_or_default()
    }

    /// Issue ids and names ordered by how much they matter to me (high first).
    fn my_issue_order(&self) -> Vec<(String, String)> {
        let Some(st) = &self.state else { return vec![] };
        let mut v: Vec<(i64, String, String)> = st
            .scenario
            .issues
            .iter()
            .map(|i| {
                let pts = self.points(&i.id);
                let w = pts.iter().max().unwrap_or(&0) - pts.iter().min().unwrap_or(&0);
                (w, i.id.clone(), i.name.clone())
            })
            .collect();
        v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        v.into_iter().map(|(_, id, name)| (id, name)).collect()
    }

    /// A template line with this match's issue names filled in, not said yet in this match.
    fn fill(&mut self, lines: &[&str]) -> Option<String> {
        let order = self.my_issue_order();
        let high = order.first().map(|x| x.1.clone()).unwrap_or_default();
        let low = order.last().map(|x| x.1.clone()).unwrap_or_default();
        let a = order.get(1).map(|x| x.1.clone()).unwrap_or_else(|| high.clone());
        // "{a} or {b}" must name two different issues when there are two.
        let b = order.get(2).or(order.first()).map(|x| x.1.clone()).unwrap_or_else(|| low.clone());
        let filled: Vec<String> = lines
            .iter()
            .map(|l| l.replace("{high}", &high).replace("{low}", &low).replace("{a}", &a).replace("{b}", &b))
            .collect();
        let refs: Vec<&str> = filled.iter().map(String::as_str).collect();
        self.pick(&refs)
    }

    /// Fraction of bargaining time gone, 0..1.
    fn time_gone(&self, now: i64) -> f64 {
        let Some(st) = &self.state else { return 0.0 };
        match st.deadline {
            Some(b) if b > st.phase_started => {
                let a = st.phase_started;
                ((now - a) as f64 / (b - a) as f64).clamp(0.0, 1.0)
            }
            _ => 0.0,
        }
    }

    /// The points I aim for now: my strategy's aspiration, within my range.
    fn target(&self, now: i64) -> i64 {
        let Some(st) = &self.state else { return 0 };
        let max = st.you.max_points;
        let floor = (st.you.batna + 1).min(max);
        let range = (max - floor).max(0) as f64;
        let moment = Moment { t: self.time_gone(now), conceded_to_me: self.conceded_to_me / range.max(1.0) };
        let f = self.strategy.aspiration(&moment);
        floor + (f.clamp(0.0, 1.0) * range).round() as i64
    }

    /// A package worth at least `target` to me, giving away my least important issues first.
    fn package_for(&self, target: i64) -> Option<Value> {
        let st = self.state.as_ref()?;
        let mut choice: Map<String, Value> = Map::new();
        let mut total = 0;
        for i in &st.scenario.issues {
            let p = self.points(&i.id);
            let best = (0..p.len()).max_by_key(|&o| (p[o], std::cmp::Reverse(o)))?;
            total += p[best];
            choice.insert(i.id.clone(), json!(best));
        }
        for (id, _) in self.my_issue_order().into_iter().rev() {
            let p = self.points(&id);
            let cur = choice[&id].as_u64()? as usize;
            let mut opts: Vec<usize> = (0..p.len()).collect();
            opts.sort_by_key(|&o| p[o]);
            for o in opts {
                if total - p[cur] + p[o] >= target {
                    total = total - p[cur] + p[o];
                    choice.insert(id.clone(), json!(o));
                    break;
                }
            }
        }
        Some(Value::Object(choice))
    }

    /// What to send now (at most one message), given the time.
    pub fn next_action(&mut self, now: i64) -> Option<Value> {
        let st = self.state.clone()?;
        let me = st.you.seat;
        match self.phase? {
            Phase::Prep => {
                if !self.guessed && !st.you.guessed_priorities {
                    self.guessed = true;
                    // A first guess before talking: assume their priorities mirror mine.
                    let order: Vec<String> = self.my_issue_order().into_iter().rev().map(|x| x.0).collect();
                    return Some(json!({"type": "guess_priorities", "order": order}));
                }
                self.ready()
            }
            Phase::SmallTalk => {
                if self.my_chats_in_phase < 3 {
                    if !self.may_chat(now) {
                        return None;
                    }
                    let line = match self.pending_chat.pop() {
                        Some(l) => Some(l),
                        None if self.my_chats_in_phase == 0 => self.pick(GREETINGS),
                        None => None,
                    };
                    return match line {
                        Some(line) => self.chat(now, line),
                        None => self.ready(),
                    };
                }
                self.ready()
            }
            Phase::Bargaining => self.bargain(&st, me, now),
            Phase::Survey if !self.surveyed => {
                self.surveyed = true;
                let deal = st.outcome.as_ref().is_some_and(OutcomeView::is_deal);
                let base = self.strategy.survey_rating(deal);
                let ratings =
                    json!({"trust": base, "foundation": base, "listened": base, "fair": base, "satisfied": base});
                let order: Vec<String> = self.my_issue_order().into_iter().rev().map(|x| x.0).collect();
                Some(json!({"type": "survey", "ratings": ratings, "counterpart_priorities": order}))
            }
            _ => None,
        }
    }

    fn may_chat(&self, now: i64) -> bool {
        now - self.last_chat_at >= CHAT_SPACING_MS && self.my_chats_in_phase < MAX_CHATS_PER_PHASE
    }

    fn chat(&mut self, now: i64, text: String) -> Option<Value> {
        if !self.said.insert(text.clone()) {
            return None; // said already (queued twice): never repeat a line
        }
        self.last_chat_at = now;
        self.my_chats_in_phase += 1;
        Some(json!({"type": "chat", "text": text}))
    }

    fn ready(&mut self) -> Option<Value> {
        if self.ready_sent {
            return None;
        }
        self.ready_sent = true;
        Some(json!({"type": "ready"}))
    }

    fn bargain(&mut self, st: &StateView, me: usize, now: i64) -> Option<Value> {
        let target = self.target(now);
        let t = self.time_gone(now);
        let batna = st.you.batna;
        // Accept a standing offer of someone else that meets my target (or, late, beats my BATNA).
        let acceptable = st.offers.iter().filter(|o| o.status == OfferStatus::Standing && o.seat != me).find(|o| {
            let v = o.value_to_you;
            !o.accepted_by.contains(&me) && (v >= target || (t > 0.9 && v > batna))
        });
        if let Some(o) = acceptable {
            return Some(json!({"type": "accept", "offer_id": o.id}));
        }
        // Someone proposes agreeing an issue in principle on the option worth most to me: yes.
        // Other proposals are left unanswered (a person can still settle them in the full offer).
        if st.allowed_actions.contains(&ActionKind::AgreeTerms) {
            let mine_best = st.terms.iter().find_map(|t| {
                let p = t.proposal.as_ref()?;
                let points = self.points(&t.issue);
                let best = points.iter().max()?;
                (p.seat != me && !p.accepted_by.contains(&me) && points.get(p.option) == Some(best))
                    .then(|| (t.issue.clone(), p.option))
            });
            if let Some((issue, option)) = mine_best {
                return Some(json!({"type": "agree_terms", "issue": issue, "option": option}));
            }
        }
        if !self.asked && self.strategy.asks_questions() && self.may_chat(now) {
            self.asked = true;
            if let Some(q) = self.fill(QUESTIONS) {
                return self.chat(now, q);
            }
        }
        if !self.disclosed && self.strategy.discloses_top_issue() {
            self.disclosed = true;
            let top = self.my_issue_order().first().map(|x| x.0.clone())?;
            return Some(
                json!({"type": "disclose", "statement": {"kind": "importance", "issue": top, "level": "high"}}),
            );
        }
        let standing_mine = st.offers.iter().any(|o| o.status == OfferStatus::Standing && o.seat == me);
        let moved = self.last_offer_target.is_none_or(|last| last - target >= 2);
        if !standing_mine || moved {
            self.last_offer_target = Some(target);
            let pkg = self.package_for(target)?;
            let trades = self.strategy.trade_lines();
            if !trades.is_empty() && self.their_offer_values.len() == 1 && self.pending_chat.is_empty() {
                let l = self.fill(trades);
                self.pending_chat.extend(l);
            }
            return Some(json!({"type": "offer", "package": pkg}));
        }
        if self.may_chat(now) {
            if let Some(line) = self.pending_chat.pop() {
                return self.chat(now, line);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strategy(name: &str) -> StrategyRef {
        StrategyRef::parse(name).unwrap()
    }

    /// A frame as the server sends it, from the fields a test cares about: the rest of a
    /// `state` or `chat` frame is filled in with neutral values, then the frame is decoded as
    /// the bot's client decodes it.
    fn frame(mut v: Value) -> ServerMsg {
        let defaults = match v["type"].as_str() {
            Some("state") => json!({
                "server_time": 0, "match_id": "m_test", "paused": false, "paused_at": null,
                "allowed_actions": [], "players": [], "offers_complete": true, "offers_total": 0, "terms": [],
                "outcome": null, "walked_away": null, "survey": null, "results": null, "dropout": null,
            }),
            Some("chat") => json!({"name": "Someone", "at": 0, "phase": "bargaining", "kind": "message"}),
            _ => json!({}),
        };
        for (k, d) in defaults.as_object().unwrap() {
            if v.get(k).is_none() {
                v[k] = d.clone();
            }
        }
        if v["type"] == "state" {
            let scenario = &mut v["scenario"];
            for (k, d) in [
                ("id", json!("test")),
                ("title", json!("Test")),
                ("summary", json!("")),
                ("deal_rule", json!("Both parties must accept a package for it to be the deal.")),
            ] {
                scenario[k] = d;
            }
            for i in scenario["issues"].as_array_mut().unwrap() {
                i["description"] = json!("");
            }
            let you = &mut v["you"];
            for (k, d) in [
                ("name", json!("Bot")),
                ("role", json!({"id": "r", "name": "R"})),
                ("brief", json!("")),
                ("coaching", json!([])),
            ] {
                you[k] = d;
            }
            for o in v["offers"].as_array_mut().unwrap() {
                o["at"] = json!(0);
                o["package"] = json!({});
            }
        }
        serde_json::from_value(v).expect("a frame the server could send")
    }

    fn state(phase: &str, offers: Value, started: i64, deadline: i64) -> ServerMsg {
        frame(json!({
            "type": "state", "phase": phase, "phase_started": started, "deadline": deadline,
            "scenario": {"issues": [
                {"id": "big", "name": "Big", "options": ["a", "b", "c"]},
                {"id": "small", "name": "Small", "options": ["a", "b"]},
            ]},
            "you": {"seat": 0, "batna": 5, "max_points": 24, "points": {"big": [0, 10, 20], "small": [4, 0]}, "guessed_priorities": false},
            "offers": offers,
        }))
    }

    #[test]
    fn logroller_gives_away_its_small_issue_first_and_accepts_what_meets_its_target() {
        let mut b = Brain::new(strategy("logroller"), 1);
        b.on_frame(&state("bargaining", json!([]), 0, 100_000));
        // Asks, then discloses its top issue truthfully, then offers.
        assert_eq!(b.next_action(0).unwrap()["type"], "chat");
        let d = b.next_action(0).unwrap();
        assert_eq!(d["statement"], json!({"kind": "importance", "issue": "big", "level": "high"}));
        // At t = 0 the target is its maximum, 24: big = c, small = a.
        let o = b.next_action(0).unwrap();
        assert_eq!(o["package"], json!({"big": 2, "small": 0}));
        // Later the target drops below 24 but stays above 20: it gives up "small" before "big".
        assert_eq!(b.package_for(20).unwrap(), json!({"big": 2, "small": 1}));
        assert_eq!(b.package_for(10).unwrap(), json!({"big": 1, "small": 1}));
        // An offer worth 24 to it is accepted at once.
        let offer = json!([{"id": 7, "seat": 1, "status": "standing", "value_to_you": 24, "accepted_by": [1]}]);
        b.on_frame(&state("bargaining", offer, 0, 100_000));
        assert_eq!(b.next_action(1_000).unwrap(), json!({"type": "accept", "offer_id": 7}));
    }

    #[test]
    fn a_bot_agrees_in_principle_to_its_own_best_option_and_leaves_other_proposals() {
        let with_terms = |option: usize| {
            let mut st = state("bargaining", json!([]), 0, 100_000);
            if let ServerMsg::State(v) = &mut st {
                v.allowed_actions = vec![ActionKind::Chat, ActionKind::AgreeTerms, ActionKind::RejectTerms];
                v.terms = serde_json::from_value(json!([
                    {"issue": "big", "agreed": null,
                     "proposal": {"seat": 1, "option": option, "at": 0, "accepted_by": [1], "rejected_by": []}},
                    {"issue": "small", "agreed": null, "proposal": null},
                ]))
                .unwrap();
            }
            st
        };
        let mut b = Brain::new(strategy("hardballer"), 1);
        b.on_frame(&with_terms(2));
        assert_eq!(b.next_action(1_000).unwrap(), json!({"type": "agree_terms", "issue": "big", "option": 2}));
        let mut b = Brain::new(strategy("hardballer"), 1);
        b.on_frame(&with_terms(1));
        let next = b.next_action(1_000);
        assert!(next.as_ref().is_none_or(|a| a["type"] != "agree_terms"), "{next:?}");
    }

    #[test]
    fn every_bundled_icebreaker_gets_an_answer_on_its_topic() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
        let (scenarios, _) = crate::core::scenario::load_dir(&dir).unwrap();
        let mut n = 0;
        for s in &scenarios {
            for q in &s.icebreakers {
                assert!(!std::ptr::eq(icebreaker_answers(q), ICEBREAKER_FALLBACK), "no topic for {q:?}");
                n += 1;
            }
        }
        assert!(n >= 25, "the bundled scenarios have their icebreakers ({n})");
        assert!(icebreaker_answers("Who taught you to swim, and where?")[0].contains("grandmother"));
        assert!(icebreaker_answers("What was your very first job, and what did it teach you?")[0].contains("shelves"));
        assert!(
            icebreaker_answers("What's the best piece of advice anyone gave you in your first job?")[0].contains("Ask")
        );
        // A specific topic wins over a general keyword further down the list.
        assert!(icebreaker_answers("What's your favourite thing about the city you live in?")[0].contains("trams"));
        assert!(icebreaker_answers("If you ran a food truck, what one dish would it sell?")[0].contains("Dumplings"));
        assert!(std::ptr::eq(icebreaker_answers("What is your favourite colour?"), ICEBREAKER_FALLBACK));
    }

    #[test]
    fn a_bot_never_says_the_same_line_twice() {
        let mut b = Brain::new(strategy("logroller"), 7);
        let mut lines = Vec::new();
        let mine = json!([{"id": 1, "seat": 0, "status": "standing", "value_to_you": 24, "accepted_by": [0]}]);
        for (phase, offers) in [("small_talk", json!([])), ("bargaining", mine)] {
            b.on_frame(&state(phase, offers, 0, 10_000_000));
            b.on_frame(&frame(json!({"type": "chat", "seat": null, "text": "Who taught you to swim, and where?"})));
            for k in 0..100i64 {
                b.on_frame(&frame(json!({"type": "chat", "seat": 1, "text": format!("question {k}?")})));
                if let Some(a) = b.next_action(k * 2_000) {
                    if a["type"] == "chat" {
                        lines.push(a["text"].as_str().unwrap().to_string());
                    }
                }
            }
        }
        assert!(lines.iter().any(|l| l.contains("grandmother")), "the icebreaker is answered on topic: {lines:?}");
        let unique: std::collections::HashSet<&String> = lines.iter().collect();
        assert!(lines.len() >= 3, "it talks: {lines:?}");
        assert_eq!(unique.len(), lines.len(), "a line was repeated: {lines:?}");
    }

    #[test]
    fn hardballer_concedes_slower_than_logroller() {
        let mut h = Brain::new(strategy("hardballer"), 1);
        let mut l = Brain::new(strategy("logroller"), 1);
        for b in [&mut h, &mut l] {
            b.on_frame(&state("bargaining", json!([]), 0, 100_000));
        }
        assert!(h.target(50_000) > l.target(50_000));
        assert!(h.target(0) == 24 && l.target(0) == 24);
        assert!(h.target(100_000) >= 6, "never below BATNA + 1");
    }

    #[test]
    fn tit_for_tat_mirrors_concessions() {
        let mut b = Brain::new(strategy("tit_for_tat"), 1);
        b.on_frame(&state(
            "bargaining",
            json!([{"id": 1, "seat": 1, "status": "standing", "value_to_you": 4, "accepted_by": [1]}]),
            0,
            1_000_000,
        ));
        let before = b.target(0);
        b.on_frame(&state(
            "bargaining",
            json!([
            {"id": 1, "seat": 1, "status": "replaced", "value_to_you": 4, "accepted_by": [1]},
            {"id": 2, "seat": 1, "status": "standing", "value_to_you": 10, "accepted_by": [1]}]),
            0,
            1_000_000,
        ));
        assert_eq!(before - b.target(0), 6, "conceded as much as the counterpart did");
    }
}
