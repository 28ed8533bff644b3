//! What the bots say, in Spanish (tú): each English line of the phrase tables and its Spanish.
//! Issue names fill `{issue}`, `{high}`, `{low}`, `{a}`, `{b}`, `{moved}` and `{theirs}` as in English.

/// `(English, Spanish)`.
pub static LINES: &[(&str, &str)] = &[
    // Asking what matters to them.
    (
        "Before we go further: what matters most to you here, {a} or {b}?",
        "Antes de seguir: ¿qué te importa más aquí, {a} o {b}?",
    ),
    ("Which of these is hardest for you to give up?", "¿A cuál de estas cosas te cuesta más renunciar?"),
    (
        "Help me understand your side. How much does {a} matter to you?",
        "Ayúdame a entender tu parte. ¿Cuánto te importa {a}?",
    ),
    (
        "If you could fix just one thing in this deal, what would it be?",
        "Si pudieras asegurar una sola cosa en este acuerdo, ¿cuál sería?",
    ),
    (
        "Where do you have some room, and where do you have none?",
        "¿Dónde tienes algo de margen y dónde no tienes ninguno?",
    ),
    ("What would a good outcome on {b} look like for you?", "¿Cómo sería para ti un buen resultado en {b}?"),
    // Vague answers and deflections.
    (
        "A few things matter to me here. Tell me more about {issue} on your side first.",
        "Aquí me importan varias cosas. Cuéntame primero más sobre {issue} desde tu lado.",
    ),
    (
        "I have some room on a couple of points. Which ones matter most to you?",
        "Tengo algo de margen en un par de puntos. ¿Cuáles te importan más a ti?",
    ),
    (
        "It's a mix for me, honestly. What would help you most?",
        "Para mí es una mezcla, la verdad. ¿Qué te ayudaría más?",
    ),
    (
        "Hard to rank them in the abstract. Put an offer together and I'll tell you what works.",
        "Es difícil ordenarlos en abstracto. Prepara una oferta y te digo qué me funciona.",
    ),
    (
        "I'd like to hear your side first: what matters most to you?",
        "Me gustaría oír primero tu parte: ¿qué es lo que más te importa?",
    ),
    ("You tell me first. What are you really after here?", "Dímelo tú primero. ¿Qué buscas de verdad aquí?"),
    ("Let's start with you. Where do you need the most?", "Empecemos por ti. ¿Dónde necesitas más?"),
    (
        "I'll share more once I know where you stand. What matters to you?",
        "Te contaré más cuando sepa dónde estás. ¿Qué te importa a ti?",
    ),
    // Noted.
    (
        "Thanks, that helps. If {issue} matters to you, I can look at it.",
        "Gracias, eso ayuda. Si {issue} te importa, puedo mirarlo.",
    ),
    (
        "Good to know about {issue}. Let me see what I can do there.",
        "Bueno saberlo sobre {issue}. Déjame ver qué puedo hacer ahí.",
    ),
    (
        "That's useful. I'll keep {issue} in mind for the next offer.",
        "Eso es útil. Tendré en cuenta {issue} para la próxima oferta.",
    ),
    (
        "Understood on {issue}. Maybe there's a trade in that.",
        "Entendido lo de {issue}. Quizá ahí haya un intercambio.",
    ),
    ("Noted on {issue}. It won't come for free, though.", "Tomo nota de {issue}. Pero no saldrá gratis."),
    (
        "Fine, {issue} matters to you. Then I'll need something back.",
        "Vale, {issue} te importa. Entonces necesitaré algo a cambio.",
    ),
    (
        "I hear you on {issue}. Let's see what you can offer in return.",
        "Te escucho sobre {issue}. Veamos qué puedes ofrecer a cambio.",
    ),
    // Trades.
    (
        "You said {issue} matters to you, so I've moved on it in this offer. Can you help me on {high}?",
        "Dijiste que {issue} te importa, así que he cedido en eso en esta oferta. ¿Puedes ayudarme con {high}?",
    ),
    (
        "This offer gives you more on {issue}, since that matters to you. I need {high} in return.",
        "Esta oferta te da más en {issue}, ya que eso te importa. A cambio necesito {high}.",
    ),
    (
        "I've put more on {issue} your way. What can you do for me on {high}?",
        "Te he dado más en {issue}. ¿Qué puedes hacer por mí en {high}?",
    ),
    (
        "Here is more on {issue}, as you asked. Meet me on {high} and we're close.",
        "Aquí tienes más en {issue}, como pediste. Acércate en {high} y estaremos cerca.",
    ),
    // Reciprocating.
    (
        "Thanks for moving on {theirs}. I've moved on {moved} in return.",
        "Gracias por ceder en {theirs}. Yo he cedido en {moved} a cambio.",
    ),
    (
        "You gave ground on {theirs}, so I've given some on {moved}.",
        "Tú cediste en {theirs}, así que yo he cedido algo en {moved}.",
    ),
    (
        "That move on {theirs} helps. Here's one back on {moved}.",
        "Ese paso en {theirs} ayuda. Aquí tienes uno de vuelta en {moved}.",
    ),
    (
        "Fair's fair: you moved on {theirs}, I've moved on {moved}.",
        "Lo justo es justo: tú cediste en {theirs} y yo he cedido en {moved}.",
    ),
    (
        "Noted, you moved on {theirs}. I've moved a little on {moved}.",
        "Anotado, cediste en {theirs}. Yo he cedido un poco en {moved}.",
    ),
    ("OK, {theirs} is a start. I've shifted on {moved}.", "Vale, {theirs} es un comienzo. Yo me he movido en {moved}."),
    (
        "Your move on {theirs} is noted; I've matched it on {moved}.",
        "Tomo nota de tu paso en {theirs}; lo he igualado en {moved}.",
    ),
    // Owed a move.
    (
        "I moved on {moved} last time. Could you move on something too?",
        "La última vez cedí en {moved}. ¿Podrías ceder tú también en algo?",
    ),
    (
        "I gave some ground on {moved} earlier. Is there anything you can give back?",
        "Antes cedí algo en {moved}. ¿Hay algo que puedas darme a cambio?",
    ),
    (
        "I've already moved on {moved}; it would help to see a step from you.",
        "Ya he cedido en {moved}; ayudaría ver un paso por tu parte.",
    ),
    ("I moved on {moved} last time. Now it's your turn.", "La última vez cedí en {moved}. Ahora te toca a ti."),
    (
        "I already gave on {moved}. I'm not moving again until you do.",
        "Ya cedí en {moved}. No vuelvo a moverme hasta que lo hagas tú.",
    ),
    ("You've had my move on {moved}. Let's see yours.", "Ya tienes mi paso en {moved}. Veamos el tuyo."),
    // Frustration.
    (
        "I can tell this is frustrating. Let's see what we can do on {issue}.",
        "Noto que esto es frustrante. Veamos qué podemos hacer con {issue}.",
    ),
    (
        "Sorry, I know this is taking a while. What would make {issue} easier for you?",
        "Perdona, sé que esto está llevando un rato. ¿Qué te facilitaría {issue}?",
    ),
    (
        "I understand this is annoying. Let's slow down and look at {issue} together.",
        "Entiendo que esto molesta. Vamos más despacio y miremos {issue} juntos.",
    ),
    (
        "That sounds frustrating, and I don't want us stuck. What's the sticking point?",
        "Suena frustrante, y no quiero que nos atasquemos. ¿Dónde está el obstáculo?",
    ),
    (
        "I hear you. Still, I need something back before I move again.",
        "Te entiendo. Aun así, necesito algo a cambio antes de moverme otra vez.",
    ),
    (
        "I get that you're frustrated. My position on {issue} hasn't changed much, though.",
        "Entiendo que estés frustrado. Pero mi postura sobre {issue} no ha cambiado mucho.",
    ),
    (
        "I understand. Let's keep going; getting annoyed won't close the gap.",
        "Lo entiendo. Sigamos; enfadarse no va a cerrar la distancia.",
    ),
    // Small talk, thanks and faces.
    (
        "Ha, yes! Good to keep it friendly while we work this out.",
        "¡Ja, sí! Está bien mantener el buen rollo mientras lo resolvemos.",
    ),
    ("Nice. Right, back to it then.", "Qué bien. Venga, volvamos a lo nuestro."),
    ("I like that. Now, where were we?", "Me gusta. Bueno, ¿por dónde íbamos?"),
    ("Thanks, I appreciate that.", "Gracias, te lo agradezco."),
    (
        "That's kind of you to say. Let's find something that works.",
        "Es amable por tu parte. Busquemos algo que funcione.",
    ),
    ("Thank you. It helps to know you see my side.", "Gracias. Me ayuda saber que entiendes mi parte."),
    ("Thanks. Let's see it in the next offer.", "Gracias. Veámoslo en la próxima oferta."),
    ("Appreciated. Now let's talk numbers.", "Se agradece. Ahora hablemos de números."),
    ("Glad that sounds good. Shall we build on it?", "Me alegra que te parezca bien. ¿Seguimos por ahí?"),
    ("Good, it looks like we're getting somewhere.", "Bien, parece que estamos avanzando."),
    ("Great. Let's keep that going.", "Genial. Sigamos así."),
    (
        "I see that surprised you. Tell me which part, and I'll explain.",
        "Veo que te ha sorprendido. Dime qué parte y te lo explico.",
    ),
    ("Was that not what you expected? Let's talk it through.", "¿No era lo que esperabas? Hablémoslo."),
    (
        "I know that's a jump. What would you have expected on {issue}?",
        "Sé que es un salto. ¿Qué esperabas en {issue}?",
    ),
    ("That shouldn't be a surprise; it's a fair position.", "No debería sorprenderte; es una postura justa."),
    (
        "I know it's a big gap. Tell me what would make it work for you.",
        "Sé que la distancia es grande. Dime qué haría que te funcionara.",
    ),
    ("What worries you about it? Maybe we can fix that part.", "¿Qué te preocupa? Quizá podamos arreglar esa parte."),
    ("You look unsure. Is it {issue}?", "Te veo con dudas. ¿Es por {issue}?"),
    (
        "Tell me what concerns you, and we'll see if there's a way round it.",
        "Dime qué te preocupa y veremos si hay forma de resolverlo.",
    ),
    // Small talk.
    ("Hi! Nice to meet you.", "¡Hola! Encantado de conocerte."),
    ("Hello there, good to be talking with you.", "Hola, me alegra hablar contigo."),
    ("Hey! How is your day going?", "¡Hola! ¿Qué tal va tu día?"),
    ("Hi, thanks for joining. How are you doing?", "Hola, gracias por venir. ¿Cómo estás?"),
    (
        "Good question, I need a second to think about that one. What's your answer?",
        "Buena pregunta, necesito un segundo para pensarla. ¿Cuál es tu respuesta?",
    ),
    ("Hmm, that's a nice one. You go first, I'm curious!", "Mmm, qué buena. Empieza tú, ¡tengo curiosidad!"),
    ("That sounds lovely, I can picture it.", "Suena precioso, me lo puedo imaginar."),
    ("Ha, I like that. Thanks for sharing.", "Ja, me gusta. Gracias por contarlo."),
    (
        "Nice! It's good to know a bit about who I'm talking to.",
        "¡Qué bien! Está bien saber un poco de con quién hablo.",
    ),
    // Strategies.
    ("I understand why that matters to you.", "Entiendo por qué eso te importa."),
    ("That makes sense, thanks for explaining.", "Tiene sentido, gracias por explicarlo."),
    ("It sounds like {a} is a real constraint for you.", "Parece que {a} es una limitación real para ti."),
    ("I can't go much further than this.", "No puedo ir mucho más allá de esto."),
    ("This is close to my final offer.", "Esto está cerca de mi oferta final."),
    ("I need a better offer on {high}.", "Necesito una oferta mejor en {high}."),
    ("I can move on {low} if we can do something on {high}.", "Puedo ceder en {low} si podemos hacer algo en {high}."),
    (
        "How about I give ground on {low} and you help me on {high}?",
        "¿Qué tal si yo cedo en {low} y tú me ayudas en {high}?",
    ),
    ("Let's keep this constructive.", "Mantengamos esto en un tono constructivo."),
    ("I'd rather find something that works for both of us.", "Prefiero encontrar algo que nos funcione a los dos."),
];
