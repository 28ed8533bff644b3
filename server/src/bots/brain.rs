//! A bot's decisions, from the frames a player receives (never from hidden state). Pure apart
//! from its seeded random choice of chat lines: `on_frame` records what was seen, `next_action`
//! says what to send now. What differs between bots is their [`Strategy`](super::strategies)
//! (one file each in `bots/strategies/`) and its level (`level.rs`: how it talks about
//! interests, reacts to feelings and uses its favour ledger); both are documented in
//! `docs/bots.md`. The decisions that need no frames are pure functions in `interests.rs`,
//! `ledger.rs` and `lines.rs`.

use super::interests::{
    answer, concession_order, importance_is_true, my_order, package_worth, read_line, read_statement, Answer, Belief,
    Beliefs, IssueFacts, Reading,
};
use super::ledger::{Choice, Favour, Ledger, Side};
use super::level::{Honesty, Persona, Traits};
use super::lines::{self, LineKind, Slots};
use super::speech::Lang;
use super::strategies::{Counterpart, Moment, StrategyRef};
use crate::core::game::{ActionKind, Expression, OfferStatus, Phase};
use crate::core::tactics::{Line, Vocabulary};
use crate::protocol::BotLevel;
use crate::wire::{ChatKind, ChatLineView, OutcomeView, ServerMsg, StateView};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::SeedableRng;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

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
/// The small-talk lines every language's table translates (`bots::speech`).
#[cfg(test)]
pub(crate) const SPOKEN_IN_SMALL_TALK: [&[&str]; 3] = [GREETINGS, ICEBREAKER_FALLBACK, SMALL_TALK_FOLLOWUPS];
/// A chat line a bot will say, with the expression it attaches.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Say {
    text: String,
    expression: Option<Expression>,
}

/// What a bot knows: only what its own frames said.
pub struct Brain {
    /// Strategy.
    pub strategy: StrategyRef,
    /// Level: the mix of traits (`level.rs`).
    pub level: BotLevel,
    rng: StdRng,
    state: Option<StateView>,
    /// Lines to say soon (replies to chat), the next one last.
    pending_chat: Vec<Say>,
    /// Checked statements to make soon (issue index, matters a lot?): answers to a question.
    pending_statements: Vec<(usize, bool)>,
    my_chats_in_phase: usize,
    phase: Option<Phase>,
    /// Questions about their interests asked so far.
    asked: usize,
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
    said: HashSet<String>,
    /// The counterparts' offers seen so far, by id: value to me (state frames carry a window).
    their_offers: BTreeMap<u64, i64>,
    /// Every player line of the match (chat and statements) in order, for the tactic tagger.
    dialogue: Vec<(usize, String)>,
    /// What the counterpart told it about their priorities.
    beliefs: Beliefs,
    /// How many things the counterpart has said about their priorities.
    they_shared: usize,
    /// Issues it has made a checked statement about.
    told: Vec<usize>,
    /// Who conceded what.
    ledger: Ledger,
    /// Offers already in the ledger.
    ledgered: BTreeSet<u64>,
    /// Its own last offer, option by issue (scenario order).
    my_last_offer: Option<Choice>,
    /// Their latest concession, not yet answered by an offer of its own.
    unanswered_favour: Option<Favour>,
    /// How many lines of each reacting kind it has said (each kind has a budget, so two bots
    /// reacting to each other always run out).
    reactions: HashMap<LineKind, usize>,
}

/// Least time between two chat messages of a bot (the server allows one a second).
pub const CHAT_SPACING_MS: i64 = 1100;
/// Most chat lines a bot sends in prep or small talk.
pub const MAX_CHATS_PER_PHASE: usize = 4;
/// Most chat lines a bot sends in bargaining (it asks, answers, reacts and explains its offers).
pub const MAX_BARGAINING_CHATS: usize = 12;

/// How many times a bot reacts with lines of each kind in one match.
fn reaction_budget(kind: LineKind) -> usize {
    match kind {
        LineKind::Vague | LineKind::Deflect => 3,
        LineKind::Noted | LineKind::Frustration | LineKind::Owed => 2,
        _ => 1,
    }
}

impl Brain {
    /// A new brain with a seed for its chat choices, at the realistic level.
    pub fn new(strategy: StrategyRef, seed: u64) -> Brain {
        Brain::with_level(strategy, BotLevel::Realistic, seed)
    }

    /// A new brain of a level.
    pub fn with_level(strategy: StrategyRef, level: BotLevel, seed: u64) -> Brain {
        Brain {
            strategy,
            level,
            rng: StdRng::seed_from_u64(seed),
            state: None,
            pending_chat: Vec::new(),
            pending_statements: Vec::new(),
            my_chats_in_phase: 0,
            phase: None,
            asked: 0,
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
            dialogue: Vec::new(),
            beliefs: Beliefs::new(),
            they_shared: 0,
            told: Vec::new(),
            ledger: Ledger::default(),
            ledgered: BTreeSet::new(),
            my_last_offer: None,
            unanswered_favour: None,
            reactions: HashMap::new(),
        }
    }

    fn persona(&self) -> Persona {
        Persona { strategy: self.strategy, level: self.level }
    }

    fn traits(&self) -> Traits {
        Traits::of(self.level)
    }

    /// The match is over for this bot.
    pub fn done(&self) -> bool {
        self.phase == Some(Phase::Results) || (self.phase == Some(Phase::Survey) && self.surveyed)
    }

    /// Current phase (none before a match).
    pub fn phase(&self) -> Option<Phase> {
        self.phase
    }

    /// The favour ledger so far.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// What it has learnt of the counterpart's priorities.
    pub fn beliefs(&self) -> &Beliefs {
        &self.beliefs
    }

    fn my_seat(&self) -> Option<usize> {
        Some(self.state.as_ref()?.you.seat)
    }

    /// The issues as it sees them: names, options and its own points.
    fn issues(&self) -> Vec<IssueFacts> {
        let Some(st) = &self.state else { return vec![] };
        st.scenario
            .issues
            .iter()
            .map(|i| IssueFacts {
                id: i.id.clone(),
                name: i.name.clone(),
                options: i.options.clone(),
                points: self.points(&i.id).to_vec(),
            })
            .collect()
    }

    /// A package (issue id → option) as options in scenario order.
    fn choice_of(&self, package: &BTreeMap<String, usize>) -> Choice {
        let Some(st) = &self.state else { return vec![] };
        st.scenario.issues.iter().map(|i| package.get(&i.id).copied().unwrap_or(0)).collect()
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
                self.record_offers(st);
            }
            ServerMsg::Chat(line) => self.on_chat(line),
            _ => {}
        }
    }

    /// Puts offers not seen yet into the favour ledger, oldest first.
    fn record_offers(&mut self, st: &StateView) {
        let me = st.you.seat;
        let points: Vec<Vec<i64>> = st.scenario.issues.iter().map(|i| self.points(&i.id).to_vec()).collect();
        let mut fresh: Vec<&crate::wire::OfferView> =
            st.offers.iter().filter(|o| !self.ledgered.contains(&o.id)).collect();
        fresh.sort_by_key(|o| o.id);
        for o in fresh {
            self.ledgered.insert(o.id);
            let choice = self.choice_of(&o.package);
            let side = if o.seat == me { Side::Me } else { Side::Them };
            if side == Side::Me {
                self.my_last_offer = Some(choice.clone());
            }
            let favour = self.ledger.record(side, choice, &points).cloned();
            match (side, favour) {
                (Side::Them, Some(f)) => self.unanswered_favour = Some(f),
                (Side::Them, None) if self.ledger.owed_to_me() => {
                    // A new offer that gives nothing back while I moved last: say so (and hold).
                    if let Some(line) = self.owed_line() {
                        self.queue(line);
                    }
                }
                _ => {}
            }
        }
    }

    fn on_chat(&mut self, line: &ChatLineView) {
        if let Some(seat) = line.seat {
            if line.kind != ChatKind::Icebreaker {
                self.dialogue.push((seat, line.text.clone()));
            }
        }
        if line.seat.is_some() && line.seat == self.my_seat() {
            return;
        }
        let text = line.text.to_lowercase();
        if line.seat.is_none() {
            // The icebreaker: answer it, on its topic.
            // The topics' keywords and answers are English: in another language, a general answer.
            let answers = if self.lang() == Lang::En { icebreaker_answers(&text) } else { ICEBREAKER_FALLBACK };
            if let Some(a) = self.pick_said(answers) {
                self.pending_chat.push(Say { text: a, expression: Some(Expression::Pleased) });
            }
            return;
        }
        if text.contains("final") || text.contains("take it or leave") || text.contains("walk") {
            self.counterpart.pressure = true;
        }
        if text.contains('?') || text.contains("understand") || text.contains("sounds like") || text.contains("thank") {
            self.counterpart.warm = true;
        }
        if self.phase != Some(Phase::Bargaining) {
            // Small talk: answer questions, not every line (two bots would never stop).
            if text.contains('?') && self.pending_chat.is_empty() {
                if let Some(l) = self.pick_said(SMALL_TALK_FOLLOWUPS) {
                    self.pending_chat.push(Say { text: l, expression: Some(Expression::Pleased) });
                }
            }
            return;
        }
        let issues = self.issues();
        if line.kind == ChatKind::Disclosure {
            if let Some((k, belief)) = read_statement(&line.text, &issues) {
                self.beliefs.insert(k, belief);
                self.they_shared += 1;
                self.react(LineKind::Noted, Some(k));
            }
            return;
        }
        let reading = self.read(&issues);
        for &(k, belief) in &reading.told {
            self.beliefs.insert(k, belief);
            self.they_shared += 1;
        }
        if reading.pressure {
            self.counterpart.pressure = true;
        }
        self.respond(&reading, line.expression, &issues);
    }

    /// The tagger's reading of the counterpart's newest line, in the dialogue's context.
    fn read(&self, issues: &[IssueFacts]) -> Reading {
        let names: Vec<String> =
            issues.iter().flat_map(|i| std::iter::once(i.name.clone()).chain(i.options.iter().cloned())).collect();
        let vocab = Vocabulary::from_phrases(&names);
        // The last 12 lines are all the context the tagger reads for a line.
        let from = self.dialogue.len().saturating_sub(12);
        let lines: Vec<Line> =
            self.dialogue[from..].iter().map(|(speaker, text)| Line { speaker: *speaker, text }).collect();
        read_line(&lines, &vocab, issues)
    }

    /// One reply to a line of the counterpart in bargaining, the most pressing first: their
    /// frustration, a question about its priorities, what they told it, pressure, their other
    /// expressions, small talk and thanks, then any other question.
    fn respond(&mut self, reading: &Reading, expression: Option<Expression>, issues: &[IssueFacts]) {
        if self.pending_chat.len() > 1 {
            return; // enough to say already
        }
        let about = reading.mentions.first().copied();
        if expression == Some(Expression::Frustrated) && self.react(LineKind::Frustration, about) {
            return;
        }
        if reading.asks_priorities {
            let honesty = self.traits().honesty;
            match answer(honesty, issues, about, &self.told, self.they_shared) {
                Answer::Tell(statements) => {
                    for (k, high) in statements {
                        self.told.push(k);
                        self.pending_statements.push((k, high));
                    }
                    return;
                }
                Answer::Vague => {
                    if self.react(LineKind::Vague, about) {
                        return;
                    }
                }
                Answer::Deflect => {
                    if self.react(LineKind::Deflect, about) {
                        return;
                    }
                }
            }
        }
        if let Some(&(k, _)) = reading.told.first() {
            if self.react(LineKind::Noted, Some(k)) {
                return;
            }
        }
        if reading.pressure {
            if let Some(l) = self.fill(self.strategy.bargaining_replies(&self.counterpart), None) {
                let e = lines::pressure_expression(self.level);
                self.queue(Say { text: l, expression: Some(e) });
                return;
            }
        }
        let by_face = match expression {
            Some(Expression::Surprised) => Some(LineKind::Surprised),
            Some(Expression::Concerned) => Some(LineKind::Concerned),
            Some(Expression::Pleased) => Some(LineKind::Pleased),
            _ => None,
        };
        if by_face.is_some_and(|k| self.react(k, about)) {
            return;
        }
        if reading.small_talk && self.react(LineKind::SmallTalk, about) {
            return;
        }
        if reading.empathy && self.react(LineKind::Thanks, about) {
            return;
        }
        if reading.question {
            if let Some(l) = self.fill(self.strategy.bargaining_replies(&self.counterpart), about) {
                self.queue(Say { text: l, expression: Some(Expression::Neutral) });
            }
        }
    }

    /// Queues a line of a reacting kind about an issue, within the kind's budget; false when
    /// the budget or the fresh lines are used up.
    fn react(&mut self, kind: LineKind, issue: Option<usize>) -> bool {
        let used = self.reactions.get(&kind).copied().unwrap_or(0);
        if used >= reaction_budget(kind) {
            return false;
        }
        let Some(text) = self.line(kind, issue, &[], &[]) else { return false };
        self.reactions.insert(kind, used + 1);
        self.queue(Say { text, expression: Some(lines::expression(kind, self.level)) });
        true
    }

    fn queue(&mut self, say: Say) {
        // The next line is the last: a reply goes before older small talk.
        self.pending_chat.push(say);
    }

    /// "I moved on X last time": when it conceded last and their new offer gave nothing back.
    fn owed_line(&mut self) -> Option<Say> {
        let used = self.reactions.get(&LineKind::Owed).copied().unwrap_or(0);
        if used >= reaction_budget(LineKind::Owed) {
            return None;
        }
        let moved = self.ledger.my_last()?.issues.clone();
        let text = self.line(LineKind::Owed, None, &moved, &[])?;
        self.reactions.insert(LineKind::Owed, used + 1);
        Some(Say { text, expression: Some(lines::expression(LineKind::Owed, self.level)) })
    }

    /// A line of a kind not said yet in the match, filled in with this scenario's issue names.
    fn line(&mut self, kind: LineKind, issue: Option<usize>, moved: &[usize], theirs: &[usize]) -> Option<String> {
        let slots = self.slots(issue, moved, theirs);
        let lang = self.lang();
        let filled: Vec<String> =
            lines::templates(kind, self.traits().warm).iter().map(|t| lines::fill(lang.say(t), &slots)).collect();
        let refs: Vec<&str> = filled.iter().map(String::as_str).collect();
        self.pick(&refs)
    }

    /// The language I speak: my seat's (the people at my table's), else English.
    fn lang(&self) -> Lang {
        Lang::of(self.state.as_ref().and_then(|st| st.you.lang.as_deref()))
    }

    /// A line of a fixed table, said in my language, not said yet in this match.
    fn pick_said(&mut self, english: &[&'static str]) -> Option<String> {
        let lang = self.lang();
        let said: Vec<&str> = english.iter().map(|l| lang.say(l)).collect();
        self.pick(&said)
    }

    fn slots(&self, issue: Option<usize>, moved: &[usize], theirs: &[usize]) -> Slots {
        let issues = self.issues();
        let order = my_order(&issues);
        let lang = self.lang();
        let name = |k: usize| {
            issues
                .get(k)
                .map(|i| if lang.keeps_capitals() { i.name.clone() } else { lines::mid_sentence(&i.name) })
                .unwrap_or_default()
        };
        let names = |ks: &[usize]| lines::join_names_with(&ks.iter().map(|&k| name(k)).collect::<Vec<_>>(), lang.and());
        let high = order.first().map(|&k| name(k)).unwrap_or_default();
        let low = order.last().map(|&k| name(k)).unwrap_or_default();
        // A question names two issues in the middle of its own order: asking about its top
        // issue would hint at it.
        let a = order.get(1).or(order.first()).map(|&k| name(k)).unwrap_or_default();
        let b = order.get(2).or(order.last()).map(|&k| name(k)).unwrap_or_default();
        // The issue at hand: the one named, else one they said matters to them, else its least.
        let at_hand = issue
            .or_else(|| self.beliefs.iter().find(|(_, b)| **b == Belief::High).map(|(&k, _)| k))
            .or(order.last().copied());
        Slots {
            issue: at_hand.map(name).unwrap_or_default(),
            high,
            low,
            a,
            b,
            moved: names(moved),
            theirs: names(theirs),
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
        let issues = self.issues();
        my_order(&issues).into_iter().map(|k| (issues[k].id.clone(), issues[k].name.clone())).collect()
    }

    /// A strategy's template line (`{high}`, `{low}`, `{a}`, `{b}`, `{issue}`) with this match's
    /// issue names filled in, not said yet in this match.
    fn fill(&mut self, templates: &[&'static str], issue: Option<usize>) -> Option<String> {
        let slots = self.slots(issue, &[], &[]);
        let lang = self.lang();
        let filled: Vec<String> = templates.iter().map(|l| lines::fill(lang.say(l), &slots)).collect();
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

    /// The points I aim for now: my level's aspiration, within my range. A bot whose level
    /// waits for concessions to be returned holds at its last offer's target while it moved
    /// last (the favour ledger), until its level's time limit.
    fn target(&self, now: i64) -> i64 {
        let Some(st) = &self.state else { return 0 };
        let max = st.you.max_points;
        let floor = (st.you.batna + 1).min(max);
        let range = (max - floor).max(0) as f64;
        let t = self.time_gone(now);
        let moment = Moment { t, conceded_to_me: self.conceded_to_me / range.max(1.0) };
        let f = self.persona().aspiration(&moment);
        let wanted = floor + (f.clamp(0.0, 1.0) * range).round() as i64;
        match (self.traits().waits_for_return_until, self.last_offer_target) {
            (Some(until), Some(last)) if t < until && self.ledger.owed_to_me() => wanted.max(last),
            _ => wanted,
        }
    }

    /// A package worth at least `target` to me, giving ground first where the counterpart
    /// said it matters to them, then on my least important issues (`concession_order`).
    fn package_for(&self, target: i64) -> Option<Value> {
        let st = self.state.as_ref()?;
        let issues = self.issues();
        let choice = package_worth(&issues, &concession_order(&issues, &self.beliefs), target);
        let package: Map<String, Value> =
            st.scenario.issues.iter().zip(&choice).map(|(i, &o)| (i.id.clone(), json!(o))).collect();
        Some(Value::Object(package))
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
                    let say = match self.pending_chat.pop() {
                        Some(l) => Some(l),
                        None if self.my_chats_in_phase == 0 => {
                            self.pick_said(GREETINGS).map(|text| Say { text, expression: Some(Expression::Pleased) })
                        }
                        None => None,
                    };
                    return match say {
                        Some(say) => self.chat(now, say),
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
                // What talking taught it: issues they said matter to them first, those they said
                // matter little last, the rest in the mirror of its own order.
                let mut order: Vec<(i32, String)> = self
                    .my_issue_order()
                    .into_iter()
                    .rev()
                    .enumerate()
                    .map(|(k, (id, _))| {
                        let i = st.scenario.issues.iter().position(|x| x.id == id).unwrap_or(0);
                        let shift = match self.beliefs.get(&i) {
                            Some(Belief::High) => -100,
                            Some(Belief::Low) => 100,
                            None => 0,
                        };
                        (k as i32 + shift, id)
                    })
                    .collect();
                order.sort();
                let order: Vec<String> = order.into_iter().map(|x| x.1).collect();
                Some(json!({"type": "survey", "ratings": ratings, "counterpart_priorities": order}))
            }
            _ => None,
        }
    }

    fn may_chat(&self, now: i64) -> bool {
        let cap = if self.phase == Some(Phase::Bargaining) { MAX_BARGAINING_CHATS } else { MAX_CHATS_PER_PHASE };
        now - self.last_chat_at >= CHAT_SPACING_MS && self.my_chats_in_phase < cap
    }

    fn chat(&mut self, now: i64, say: Say) -> Option<Value> {
        if !self.said.insert(say.text.clone()) {
            return None; // said already (queued twice): never repeat a line
        }
        self.last_chat_at = now;
        self.my_chats_in_phase += 1;
        Some(match say.expression {
            Some(e) => json!({"type": "chat", "text": say.text, "expression": e}),
            None => json!({"type": "chat", "text": say.text}),
        })
    }

    fn ready(&mut self) -> Option<Value> {
        if self.ready_sent {
            return None;
        }
        self.ready_sent = true;
        Some(json!({"type": "ready"}))
    }

    /// Whether it takes an offer worth `value` to it now: one that meets its target, or late in
    /// the time (when its level allows) anything above its walk-away. Never one at or below its
    /// walk-away, whatever the level.
    pub fn accepts(&self, value: i64, now: i64) -> bool {
        let Some(st) = &self.state else { return false };
        let late = self.traits().late_accept.is_some_and(|from| self.time_gone(now) > from);
        value > st.you.batna && (value >= self.target(now) || late)
    }

    fn bargain(&mut self, st: &StateView, me: usize, now: i64) -> Option<Value> {
        let target = self.target(now);
        // Accept a standing offer of someone else that meets my target (or, late, beats my BATNA).
        let acceptable = st
            .offers
            .iter()
            .filter(|o| o.status == OfferStatus::Standing && o.seat != me)
            .find(|o| !o.accepted_by.contains(&me) && self.accepts(o.value_to_you, now));
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
        // Answers to a question about its priorities: checked statements, true by the server's rule.
        if let Some((k, high)) = self.pending_statements.pop() {
            let issue = st.scenario.issues.get(k)?.id.clone();
            let level = if high { "high" } else { "low" };
            return Some(
                json!({"type": "disclose", "statement": {"kind": "importance", "issue": issue, "level": level}}),
            );
        }
        // The level says how many questions; a strategy that asks nothing (the hardballer) asks one
        // at most, since every level is meant to ask what matters to the learner.
        let questions = self.traits().questions;
        let questions = if self.strategy.asks_questions() { questions } else { questions.min(1) };
        // It asks as bargaining opens and, if they have said nothing yet, again after their first offer.
        let ask_now = self.asked == 0 || (self.they_shared == 0 && !self.their_offer_values.is_empty());
        if self.asked < questions && ask_now && self.may_chat(now) {
            self.asked += 1;
            if let Some(q) = self.line(LineKind::Ask, None, &[], &[]) {
                return self.chat(now, Say { text: q, expression: Some(Expression::Neutral) });
            }
        }
        if !self.disclosed && self.strategy.discloses_top_issue() && self.traits().honesty != Honesty::Evasive {
            self.disclosed = true;
            let issues = self.issues();
            let top = *my_order(&issues).first()?;
            if !self.told.contains(&top) && importance_is_true(&issues, top, true) {
                self.told.push(top);
                let issue = issues[top].id.clone();
                return Some(
                    json!({"type": "disclose", "statement": {"kind": "importance", "issue": issue, "level": "high"}}),
                );
            }
        }
        let standing_mine = st.offers.iter().any(|o| o.status == OfferStatus::Standing && o.seat == me);
        let moved = self.last_offer_target.is_none_or(|last| last - target >= 2);
        if !standing_mine || moved {
            self.last_offer_target = Some(target);
            let pkg = self.package_for(target)?;
            self.explain_offer(&pkg);
            return Some(json!({"type": "offer", "package": pkg}));
        }
        if self.may_chat(now) {
            if let Some(say) = self.pending_chat.pop() {
                return self.chat(now, say);
            }
        }
        None
    }

    /// A line to go with a new offer, true to what the offer does: giving ground back for a
    /// concession of theirs (the ledger), giving ground on what they said matters to them, or the
    /// strategy's trade line after their first offer.
    fn explain_offer(&mut self, pkg: &Value) {
        let issues = self.issues();
        let new: Choice = issues.iter().map(|i| pkg[&i.id].as_u64().unwrap_or(0) as usize).collect();
        // Where this offer gives ground compared with its last one.
        let gave: Vec<usize> = match &self.my_last_offer {
            Some(last) => (0..new.len()).filter(|&k| issues[k].points[new[k]] < issues[k].points[last[k]]).collect(),
            None => vec![],
        };
        if let Some(f) = self.unanswered_favour.take() {
            if !gave.is_empty() {
                let used = self.reactions.get(&LineKind::Reciprocate).copied().unwrap_or(0);
                if used < 3 {
                    if let Some(text) = self.line(LineKind::Reciprocate, None, &gave, &f.issues) {
                        self.reactions.insert(LineKind::Reciprocate, used + 1);
                        let e = lines::expression(LineKind::Reciprocate, self.level);
                        self.queue(Say { text, expression: Some(e) });
                        return;
                    }
                }
            }
        }
        // An issue they said matters to them on which this offer gives them more than its best.
        let their_high = self.beliefs.iter().filter(|(_, b)| **b == Belief::High).map(|(&k, _)| k).find(|&k| {
            let best = issues[k].points.iter().max().copied().unwrap_or(0);
            issues[k].points[new[k]] < best
        });
        if let Some(k) = their_high {
            let used = self.reactions.get(&LineKind::Trade).copied().unwrap_or(0);
            if used < 2 && my_order(&issues).first() != Some(&k) {
                if let Some(text) = self.line(LineKind::Trade, Some(k), &[], &[]) {
                    self.reactions.insert(LineKind::Trade, used + 1);
                    self.queue(Say { text, expression: Some(Expression::Neutral) });
                    return;
                }
            }
        }
        let trades = self.strategy.trade_lines();
        if !trades.is_empty() && self.their_offer_values.len() == 1 && self.pending_chat.is_empty() {
            if let Some(text) = self.fill(trades, None) {
                self.queue(Say { text, expression: Some(Expression::Neutral) });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bots::level::Persona;

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

    fn bundled() -> Vec<crate::core::scenario::Scenario> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
        crate::core::scenario::load_dir(&dir).unwrap().0
    }

    /// The state a bot in `role` of a bundled scenario sees in bargaining.
    fn scenario_state(s: &crate::core::scenario::Scenario, role: usize, offers: Value, deadline: i64) -> ServerMsg {
        let issues: Vec<Value> =
            s.issues.iter().map(|i| json!({"id": i.id, "name": i.name, "options": i.options})).collect();
        let points: serde_json::Map<String, Value> =
            s.issues.iter().map(|i| (i.id.clone(), json!(i.points[role]))).collect();
        let max: i64 = s.issues.iter().map(|i| i.points[role].iter().max().unwrap()).sum();
        let mut st = frame(json!({
            "type": "state", "phase": "bargaining", "phase_started": 0, "deadline": deadline,
            "scenario": {"issues": issues},
            "you": {"seat": 0, "batna": s.roles[role].batna, "max_points": max, "points": points, "guessed_priorities": true},
            "offers": [],
        }));
        if let ServerMsg::State(v) = &mut st {
            v.offers = serde_json::from_value(offers).unwrap();
        }
        st
    }

    fn chat_from_them(text: &str, expression: Option<&str>) -> ServerMsg {
        let mut v = json!({"type": "chat", "seat": 1, "text": text});
        if let Some(e) = expression {
            v["expression"] = json!(e);
        }
        frame(v)
    }

    /// Every action until it has nothing more to say, a tick of 2 s apart. Its offers come back
    /// as standing in the next state, as the server would send them.
    fn drain(b: &mut Brain, from: i64) -> Vec<Value> {
        let mut actions = Vec::new();
        for k in 0..40 {
            let Some(a) = b.next_action(from + k * 2_000) else { continue };
            if a["type"] == "offer" {
                let mut st = b.state.clone().unwrap();
                let id = st.offers.iter().map(|o| o.id).max().unwrap_or(0) + 1;
                for o in st.offers.iter_mut().filter(|o| o.seat == st.you.seat) {
                    o.status = OfferStatus::Replaced;
                }
                let offer = json!({"id": id, "seat": st.you.seat, "at": 0, "package": a["package"],
                    "status": "standing", "accepted_by": [st.you.seat], "value_to_you": 0});
                st.offers.push(serde_json::from_value(offer).unwrap());
                b.on_frame(&ServerMsg::State(Box::new(st)));
            }
            actions.push(a);
        }
        actions
    }

    #[test]
    fn no_level_ever_makes_a_statement_the_server_would_mark_misleading() {
        use crate::core::game::Statement;
        for s in bundled() {
            for role in 0..s.roles.len() {
                for level in BotLevel::ALL {
                    for asked in [None, Some("first"), Some("last")] {
                        let mut b = Brain::with_level(Persona::of(level).strategy, level, 1);
                        b.on_frame(&scenario_state(&s, role, json!([]), 10_000_000));
                        // The learner shares two things (so even the evasive bot answers), then asks.
                        for i in s.issues.iter().take(2) {
                            b.on_frame(&frame(json!({"type": "chat", "seat": 1, "kind": "disclosure",
                                "text": format!("{} matters a lot to me.", i.name)})));
                        }
                        let question = match asked {
                            None => "What matters most to you here?".to_string(),
                            Some("first") => format!("How much does {} matter to you?", s.issues[0].name),
                            Some(_) => format!("How much does {} matter to you?", s.issues.last().unwrap().name),
                        };
                        b.on_frame(&chat_from_them(&question, None));
                        for a in drain(&mut b, 0).iter().filter(|a| a["type"] == "disclose") {
                            let st = &a["statement"];
                            let issue = s.issue_index(st["issue"].as_str().unwrap()).unwrap();
                            let statement = Statement::Importance { issue, high: st["level"] == "high" };
                            assert!(statement.is_true(&s, role), "{} role {role} {level:?}: {a}", s.id);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_truthful_bot_answers_a_question_about_its_priorities_and_a_tough_one_deflects() {
        let s = bundled().into_iter().find(|s| s.id == "job-offer").unwrap();
        let ask = |level: BotLevel| {
            let mut b = Brain::with_level(Persona::of(level).strategy, level, 2);
            b.on_frame(&scenario_state(&s, 0, json!([]), 10_000_000));
            b.on_frame(&chat_from_them("What matters most to you in this offer?", None));
            drain(&mut b, 0)
        };
        let easy = ask(BotLevel::Easy);
        assert!(easy.iter().filter(|a| a["type"] == "disclose").count() >= 2, "top and bottom issue: {easy:?}");
        let tough = ask(BotLevel::Tough);
        assert!(tough.iter().all(|a| a["type"] != "disclose"), "{tough:?}");
        let deflect = tough.iter().find(|a| a["type"] == "chat" && a["text"].as_str().unwrap().contains("first"));
        assert!(deflect.is_some(), "the tough bot asks them to go first: {tough:?}");
    }

    #[test]
    fn bots_react_to_frustration_small_talk_and_thanks() {
        let s = bundled().into_iter().find(|s| s.id == "festival-booking").unwrap();
        let mut b = Brain::with_level(Persona::of(BotLevel::Realistic).strategy, BotLevel::Realistic, 3);
        b.on_frame(&scenario_state(&s, 0, json!([]), 10_000_000));
        drain(&mut b, 0);
        b.on_frame(&chat_from_them("This is going nowhere and the fee is too low.", Some("frustrated")));
        let said = drain(&mut b, 100_000);
        let ack = said.iter().find(|a| a["type"] == "chat").expect("it answers frustration");
        assert_eq!(ack["expression"], "concerned", "{ack}");
        assert!(
            ack["text"].as_str().unwrap().to_lowercase().contains("fee")
                || ack["text"].as_str().unwrap().contains("frustrat"),
            "{ack}"
        );
        b.on_frame(&chat_from_them("Ha, by the way I saw your band play in Lyon last summer! Great night.", None));
        let said = drain(&mut b, 200_000);
        assert!(
            said.iter().any(|a| a["type"] == "chat" && a["expression"] == "pleased"),
            "small talk returned: {said:?}"
        );
    }

    #[test]
    fn the_favour_ledger_shapes_offers_and_lines() {
        // Two issues of a bundled scenario seen from role 0; the counterpart moves, the bot moves back.
        let s = bundled().into_iter().find(|s| s.id == "campsite").unwrap();
        let mut b = Brain::with_level(Persona::of(BotLevel::Realistic).strategy, BotLevel::Realistic, 4);
        let offer = |id: u64, seat: usize, package: Value, value: i64, status: &str| json!({"id": id, "seat": seat, "at": 0, "package": package, "status": status, "accepted_by": [seat], "value_to_you": value});
        let worst: serde_json::Map<String, Value> = s
            .issues
            .iter()
            .map(|i| (i.id.clone(), json!((0..i.options.len()).min_by_key(|&o| i.points[0][o]).unwrap())))
            .collect();
        b.on_frame(&scenario_state(&s, 0, json!([offer(1, 1, json!(worst), 0, "standing")]), 100_000));
        let first: Vec<Value> = (0..3).filter_map(|k| b.next_action(k * 2_000)).collect();
        let mine = first.iter().find(|a| a["type"] == "offer").expect("it makes an offer").clone();
        // Their better offer: one issue moved up to the bot's best option.
        let mut better = worst.clone();
        let top = &s.issues[0];
        let best = (0..top.options.len()).max_by_key(|&o| top.points[0][o]).unwrap();
        better.insert(top.id.clone(), json!(best));
        let gain = top.points[0][best] - top.points[0][worst[&top.id].as_u64().unwrap() as usize];
        b.on_frame(&scenario_state(
            &s,
            0,
            json!([
                offer(1, 1, json!(worst), 0, "replaced"),
                offer(100, 0, mine["package"].clone(), 30, "standing"),
                offer(101, 1, json!(better), gain, "standing")
            ]),
            100_000,
        ));
        assert_eq!(b.ledger().counts().1, 1, "their move is in the ledger");
        let later = drain(&mut b, 30_000);
        let offered = later.iter().any(|a| a["type"] == "offer");
        let thanks = later.iter().find(|a| a["type"] == "chat" && a["text"].as_str().unwrap().contains("moved on"));
        assert!(offered, "a move back: {later:?}");
        let thanks = thanks.unwrap_or_else(|| panic!("a line about their move: {later:?}"));
        assert!(thanks["text"].as_str().unwrap().contains(&crate::bots::lines::mid_sentence(&top.name)), "{thanks}");
    }

    #[test]
    fn a_tough_bot_never_takes_its_walk_away_and_an_easy_one_takes_anything_above_it_late() {
        let s = bundled().into_iter().find(|s| s.id == "supplier-renewal").unwrap();
        let batna = s.roles[0].batna;
        for level in BotLevel::ALL {
            let mut b = Brain::with_level(Persona::of(level).strategy, level, 5);
            b.on_frame(&scenario_state(&s, 0, json!([]), 100_000));
            for now in [0, 50_000, 95_000, 100_000] {
                assert!(!b.accepts(batna, now), "{level:?} at {now}: never its walk-away");
            }
            let late = b.accepts(batna + 1, 99_000);
            assert_eq!(late, level != BotLevel::Tough, "{level:?}");
        }
    }

    #[test]
    fn bargaining_lines_name_this_scenarios_issues_and_never_repeat() {
        for s in bundled().into_iter().filter(|s| s.roles.len() == 2) {
            for level in BotLevel::ALL {
                let mut b = Brain::with_level(Persona::of(level).strategy, level, 6);
                b.on_frame(&scenario_state(&s, 1, json!([]), 10_000_000));
                let mut said = Vec::new();
                let prompts = [
                    (format!("{} matters a lot to me.", s.issues[0].name), None),
                    ("What matters most to you?".to_string(), Some("neutral")),
                    (format!("I really need more on {}, honestly.", s.issues[1].name), Some("concerned")),
                    ("This is my final offer, take it or leave it.".to_string(), Some("frustrated")),
                    ("Wow, really?".to_string(), Some("surprised")),
                    ("Thanks, I understand where you're coming from.".to_string(), Some("pleased")),
                ];
                for (k, (text, e)) in prompts.iter().enumerate() {
                    b.on_frame(&chat_from_them(text, *e));
                    said.extend(drain(&mut b, k as i64 * 100_000).into_iter().filter(|a| a["type"] == "chat"));
                }
                let texts: Vec<&str> = said.iter().map(|a| a["text"].as_str().unwrap()).collect();
                let unique: std::collections::HashSet<&&str> = texts.iter().collect();
                assert_eq!(unique.len(), texts.len(), "{} {level:?}: {texts:?}", s.id);
                assert!(texts.len() >= 3, "{} {level:?} talks: {texts:?}", s.id);
                let names: Vec<String> =
                    s.issues.iter().map(|i| crate::bots::lines::mid_sentence(&i.name).to_lowercase()).collect();
                let on_topic = texts.iter().filter(|t| names.iter().any(|n| t.to_lowercase().contains(n))).count();
                assert!(on_topic * 3 >= texts.len(), "{} {level:?}: lines name its issues: {texts:?}", s.id);
                assert!(said.iter().all(|a| a["expression"].is_string()), "every bargaining line has an expression");
            }
        }
    }
}
