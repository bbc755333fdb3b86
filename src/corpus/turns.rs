//! Speaker turns in transcripts: which paragraphs each speaker says, found from the labels
//! that open a turn (`Vladimir Putin: ...`, `Question: ...`, `В.Путин: ...`).
//!
//! A label is the text before the first `:` of a paragraph when it reads as a name or a
//! title, not as a sentence. Detection is conservative, because a false label reassigns
//! every paragraph up to the next one: the prefix must be short, free of digits and
//! sentence punctuation, start with a capital, and be made of capitalised words and
//! function words (`of`, `the`); a few lowercase words are tolerated only when the label
//! ends with a personal name (`Head of the ... faction in the State Duma Sergei Mironov`),
//! and a single word only when it is a known label word (`Question`, `Remark`) or a
//! well-known surname. Russian labels are anchored on an initials-and-surname token
//! (`В.Путин`, `С.В.Лавров`), before or after a lowercase description; a surname of
//! several capitalised words that are no title stays whole (`Т.Х.Аль Тани`). `The answer
//! is simple: ...` is not a label.
//!
//! A turn lasts from its label to the next label; paragraphs before the first label are
//! narration (in a signed `article`, the author's words). A paragraph that introduces a
//! quoted message (`The message reads, in part:`) starts a turn of the document's speaker.
//! Roles come from [`super::roles::guess_role`]; a bare name with no cue takes the role
//! that an earlier label of the same document gave that surname (`President of Finland
//! Sauli Niinistö:` then `Sauli Niinistö:`), else the role implied by the words that
//! introduce the name elsewhere in the text (`The anchors of Direct Line are ...`), else
//! `other`.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::roles::{
    first_known_person, guess_role, guess_role_in_text, has_journalist_word, is_country,
    is_title_word, known_person,
};
use crate::document::{Document, Kind, Role};

/// Labels longer than this (in characters) are sentences, not labels.
const MAX_LABEL_CHARS: usize = 200;
/// Labels with more words than this are sentences, not labels.
const MAX_LABEL_WORDS: usize = 30;
/// Lowercase words tolerated in a label that ends with a personal name.
const MAX_LOOSE_WORDS: usize = 2;
/// Longest personal name, in words.
const MAX_NAME_WORDS: usize = 4;

/// Function words and name particles that may stand lowercase inside a label.
const FUNCTION_WORDS: &[&str] = &[
    "of", "the", "and", "for", "on", "in", "at", "to", "de", "da", "del", "della", "di", "du",
    "la", "le", "von", "van", "der", "den", "al", "bin", "ibn", "el", "y", "и", "по", "при", "в",
    "во", "с", "со", "для", "на", "из", "от",
];

/// Lowercase role nouns that may stand inside a label (`CNBC TV anchor Geoff Cutmore`).
const ROLE_NOUNS: &[&str] = &[
    "moderator",
    "anchor",
    "host",
    "journalist",
    "correspondent",
    "reporter",
    "presenter",
    "editor",
    "interviewer",
    "member",
    "deputy",
    "chairman",
    "chair",
    "head",
];

/// Capitalised words that start sentences, never labels (`Today I met President X: ...`).
const SENTENCE_STARTERS: &[&str] = &[
    "I",
    "We",
    "You",
    "He",
    "She",
    "It",
    "They",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "Here",
    "Today",
    "Yesterday",
    "Tomorrow",
    "As",
    "If",
    "When",
    "While",
    "But",
    "And",
    "So",
    "Now",
    "Then",
    "Let",
    "Thank",
    "Yes",
    "No",
    "In",
    "On",
    "At",
    "For",
    "With",
    "By",
    "After",
    "Before",
    "Our",
    "My",
    "Your",
    "His",
    "Her",
    "Their",
    "What",
    "Why",
    "How",
    "Where",
    "Who",
    "Я",
    "Мы",
    "Вы",
    "Он",
    "Она",
    "Они",
    "Это",
    "Как",
    "Если",
    "Когда",
    "Но",
    "И",
    "Сегодня",
    // `Текст Указа:` introduces a document, never a speaker.
    "Текст",
    // Prepositions open headings and sentences (`О Петре Первом:`, `В Сингапуре:`), never
    // a speaker's name.
    "О",
    "Об",
    "В",
    "Во",
    "На",
    "По",
    "С",
    "Со",
    "К",
    "Для",
    "Про",
    "Из",
    "За",
    "От",
    "До",
    "При",
];

/// Words that open a clause after a comma, never a description of the speaker named before
/// it (`President X, who was ...:`, `Господин Радев, и Вас спрошу:`).
const CLAUSE_OPENERS: &[&str] = &[
    "who",
    "whom",
    "whose",
    "which",
    "where",
    "when",
    "and",
    "but",
    "that",
    "if",
    "который",
    "которая",
    "которое",
    "которые",
    "которого",
    "которой",
    "которому",
    "которым",
    "которых",
    "кто",
    "что",
    "где",
    "когда",
    "и",
    "а",
    "но",
    "то",
    "если",
];

/// Whether a segment after a comma reads as a clause: it opens with a clause word, or with a
/// preposition and a relative pronoun (`о котором`, `of whom`).
fn opens_clause(segment: &[&str]) -> bool {
    let lower: Vec<String> = segment.iter().take(2).map(|w| w.to_lowercase()).collect();
    CLAUSE_OPENERS.contains(&lower[0].as_str())
        || lower.get(1).is_some_and(|w| {
            w.starts_with("котор") || matches!(w.as_str(), "whom" | "which" | "whose")
        })
}

/// Words that make the name after them a form of address (`Господин Президент`,
/// `Уважаемый Владимир Владимирович`).
const HONORIFICS: &[&str] = &[
    "господин",
    "госпожа",
    "уважаемый",
    "уважаемая",
    "уважаемые",
    "дорогой",
    "дорогая",
    "дорогие",
    "товарищ",
    "dear",
];

/// Russian titles of office in any case (`Президент`, `Президентом`, `Канцлера`): a
/// heading or a sentence (`Соглашусь с Президентом Баттулгой:`) does not make them part of
/// a name.
const RUSSIAN_TITLE_STEMS: &[&str] = &[
    "президент",
    "премьер",
    "министр",
    "канцлер",
    "губернатор",
    "председател",
];

/// Church titles that go with a single name (`Patriarch Kirill`, `Патриарх Кирилл`).
const CHURCH_TITLES: &[&str] = &[
    "patriarch",
    "metropolitan",
    "archbishop",
    "bishop",
    "pope",
    "catholicos",
    "патриарх",
    "митрополит",
    "архиепископ",
    "епископ",
    "католикос",
];

/// Words of reverence that may open a church label (`His Holiness`, `Святейший`).
const REVERENCE: &[&str] = &[
    "his",
    "holiness",
    "beatitude",
    "святейший",
    "блаженнейший",
    "его",
    "святейшество",
];

/// A label of a church leader, whose name is one word beside the title and the see
/// (`Patriarch Kirill`, `Patriarch John of Antioch and All the East`, `Patriarch of Moscow
/// and All Russia Kirill`, `Патриарх Московский и всея Руси Кирилл`): the name is the label
/// without the words of reverence, which the registry's aliases resolve.
fn church_label(tokens: &[&str], segments: usize) -> Option<SpeakerLabel> {
    // Most labels are no church label: decided on the first word after the words of
    // reverence, before any other word is lowercased.
    if segments != 1 || tokens.len() > 12 {
        return None;
    }
    let start = tokens
        .iter()
        .position(|w| !REVERENCE.contains(&w.to_lowercase().as_str()))?;
    if !CHURCH_TITLES.contains(&tokens[start].to_lowercase().as_str()) {
        return None;
    }
    let lower: Vec<String> = tokens.iter().map(|t| t.to_lowercase()).collect();
    // A title of office after it makes the first word an adjective (`Metropolitan Opera
    // Director X`): that label is read as any other.
    let office = |l: &str| {
        is_title_word_of_labels(l)
            && !FUNCTION_WORDS.contains(&l)
            && !matches!(l, "russia" | "russian")
    };
    let fits = tokens.len() - start >= 2
        && !lower[start + 1..].iter().any(|l| office(l))
        && tokens[start..].iter().zip(&lower[start..]).all(|(t, l)| {
            starts_upper(t) || FUNCTION_WORDS.contains(&l.as_str()) || l == "all" || l == "всея"
        });
    fits.then(|| {
        let name = tokens[start..].join(" ");
        SpeakerLabel {
            label: tokens.join(" "),
            title: name.clone(),
            name: Some(name),
        }
    })
}

/// Endings of Russian patronymics (`Владимирович`, `Алексеевна`, `Ильинична`, `Ильич`).
const PATRONYMIC_ENDINGS: &[&str] = &[
    "ович", "евич", "ёвич", "овна", "евна", "ёвна", "ична", "ьич",
];

/// Whether the name words of a label before a comma address or tell of someone rather than
/// name the speaker: an honorific among them, or a Cyrillic first name and patronymic, with
/// or without the surname (`Владимир Владимирович, ...`, `Александра Николаевна Пахмутова,
/// выступая ..., сказала:`), the way Russian speakers address and cite people (labels in
/// Russian transcripts give initials and surname).
fn is_address(name: &[&str]) -> bool {
    let honorific = name
        .iter()
        .any(|w| HONORIFICS.contains(&w.to_lowercase().as_str()));
    let cyrillic = |w: &&str| w.chars().all(|c| matches!(c, 'А'..='я' | 'Ё' | 'ё'));
    let patronymic = match name {
        [_, second] | [_, second, _] => {
            name.iter().all(cyrillic) && PATRONYMIC_ENDINGS.iter().any(|e| second.ends_with(e))
        }
        _ => false,
    };
    honorific || patronymic
}

/// Words that are a whole label on their own.
const LABEL_WORDS: &[&str] = &[
    "question",
    "remark",
    "moderator",
    "answer",
    "reply",
    "response",
    "interviewer",
    "journalist",
    "correspondent",
    "host",
    "anchor",
    "participant",
    "вопрос",
    "реплика",
    "ответ",
    "ведущий",
    "ведущая",
    "модератор",
    "журналист",
    "корреспондент",
];

/// Capitalised words that belong to titles, never to personal names.
const TITLE_WORDS: &[&str] = &[
    "president",
    "prime",
    "minister",
    "deputy",
    "chairman",
    "chairperson",
    "chairwoman",
    "chair",
    "head",
    "governor",
    "mayor",
    "director",
    "general",
    "secretary",
    "secretary-general",
    "editor-in-chief",
    "speaker",
    "chancellor",
    "federal",
    "king",
    "queen",
    "emir",
    "sultan",
    "crown",
    "prince",
    "premier",
    "vice",
    "acting",
    "ambassador",
    "chief",
    "executive",
    "officer",
    "board",
    "council",
    "commissioner",
    "aide",
    "adviser",
    "advisor",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "press",
    "representative",
    "envoy",
    "special",
    "senator",
    "member",
    "leader",
    "patriarch",
    "metropolitan",
    "archpriest",
    "rector",
    "colonel",
    "lieutenant",
    "major",
    "captain",
    "admiral",
    "marshal",
    "sergeant",
    "commander",
    "sr",
    "jr",
    "region",
    "republic",
    "territory",
    "mr",
    "mrs",
    "ms",
    "dr",
    "professor",
    "academician",
    "moderator",
    "question",
    "remark",
    "host",
    "anchor",
    "panel",
    "management",
    "company",
    "corporation",
    "bank",
    "fund",
    "agency",
    "service",
    "ministry",
    "state",
    "duma",
    "party",
    "faction",
    "foundation",
    "holding",
    "railways",
    "group",
    "media",
    "museum",
    "team",
    "front",
    "forces",
    "academy",
    "university",
    "institute",
    "committee",
    "commission",
    "chamber",
    "forum",
    "session",
    "affairs",
    "foreign",
    "defence",
    "defense",
    "finance",
    "russia",
    "russian",
    "federation",
    "the",
    "of",
    "and",
    "to",
];

/// A speaker label at the start of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeakerLabel {
    /// The label as written, without the colon and without parenthesised notes such as
    /// `(retranslated)`.
    pub label: String,
    /// The person's name when the label has one (`Vladimir Putin` in `President of Russia
    /// Vladimir Putin`).
    pub name: Option<String>,
    /// The rest of the label: the title or description (`President of Russia`).
    pub title: String,
}

impl SpeakerLabel {
    /// How the speaker is recorded: the name when there is one, else the label.
    pub fn speaker(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.label)
    }
}

/// Initials glued to a surname: `В.Путин`, `С.В.Лавров`, `A.Vedyashchev`.
/// [`TITLE_WORDS`] as a set: labels are read word by word against it.
static TITLE_WORD_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| TITLE_WORDS.iter().copied().collect());

/// Whether `lower` (lowercased) is one of the [`TITLE_WORDS`].
fn is_title_word_of_labels(lower: &str) -> bool {
    TITLE_WORD_SET.contains(lower)
}

static INITIALS_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\p{Lu}\.\s?){1,3}\p{Lu}[\p{L}'’-]+$").expect("constant pattern compiles")
});

/// How many tokens of a label that opens with an initials-and-surname token name the
/// person: the surname goes on through capitalised words that are no title when the label
/// is one segment of at most [`MAX_SURNAME_WORDS`] such words (`Т.Х.Аль Тани`,
/// `К.Фернандес Де Киршнер`); otherwise the words after it describe the speaker.
fn surname_run(tokens: &[&str], segments: usize) -> usize {
    let rest = &tokens[1..];
    let continues = segments == 1
        && tokens.len() <= MAX_SURNAME_WORDS
        && rest
            .iter()
            .all(|t| starts_upper(t) && !INITIALS_NAME.is_match(t) && !is_title_word(t));
    if continues { tokens.len() } else { 1 }
}

/// Most words of a surname that an initials-and-surname token opens (see [`surname_run`]).
const MAX_SURNAME_WORDS: usize = 3;

/// Reads the speaker label that opens `paragraph`, if it has one.
pub fn parse_label(paragraph: &str) -> Option<SpeakerLabel> {
    // A colon is one byte in UTF-8, and memchr finds it fastest (most paragraphs have none).
    let colon = memchr::memchr(b':', paragraph.as_bytes())?;
    let prefix = paragraph[..colon].trim();
    // Without parentheses the prefix is the label: a long one is prose, rejected before
    // any copy (most paragraphs with a colon end here).
    if !prefix.contains('(') && prefix.chars().count() > MAX_LABEL_CHARS {
        return None;
    }
    let after = &paragraph[colon + 1..];
    if prefix.is_empty() || !(after.is_empty() || after.starts_with(char::is_whitespace)) {
        return None;
    }
    if prefix.len() > MAX_REMEMBERED_PREFIX_BYTES {
        return label_of_prefix(prefix);
    }
    remembered(&PREFIX_LABELS, prefix, REMEMBERED_PREFIXES, || {
        label_of_prefix(prefix)
    })
}

/// A thread's memory of a function's values, emptied when it holds `capacity` keys.
type Memory<K, V> = std::cell::RefCell<HashMap<K, V>>;

/// The value `compute` gives for `key`, remembered in this thread's `memory` (the function
/// depends on the key alone, so the memory changes no result).
fn remembered<K, Q, V>(
    memory: &'static std::thread::LocalKey<Memory<K, V>>,
    key: &Q,
    capacity: usize,
    compute: impl FnOnce() -> V,
) -> V
where
    K: std::borrow::Borrow<Q> + Eq + std::hash::Hash,
    Q: ToOwned<Owned = K> + Eq + std::hash::Hash + ?Sized,
    V: Clone,
{
    memory.with(|memory| {
        let mut memory = memory.borrow_mut();
        if let Some(value) = memory.get(key) {
            return value.clone();
        }
        let value = compute();
        if memory.len() >= capacity {
            memory.clear();
        }
        memory.insert(key.to_owned(), value.clone());
        value
    })
}

/// Distinct label prefixes remembered per thread before the memory is emptied.
const REMEMBERED_PREFIXES: usize = 20_000;

/// Longer prefixes (prose with a parenthesis before its colon) are read each time.
const MAX_REMEMBERED_PREFIX_BYTES: usize = 4 * MAX_LABEL_CHARS;

thread_local! {
    /// The label read from each distinct prefix on this thread: transcripts repeat the same
    /// labels (`В.Путин`, `Question`) in paragraph after paragraph, and the reading depends
    /// on the prefix alone.
    static PREFIX_LABELS: Memory<String, Option<SpeakerLabel>> =
        std::cell::RefCell::new(HashMap::new());
}

/// The label that `prefix` (the trimmed text before a paragraph's colon, followed by a
/// space or the end) is, if any.
fn label_of_prefix(prefix: &str) -> Option<SpeakerLabel> {
    let core = split_glued_words(&strip_parentheses(prefix)?);
    if core.chars().count() > MAX_LABEL_CHARS
        || core.chars().any(|c| {
            matches!(
                c,
                '?' | '!'
                    | ';'
                    | '"'
                    | '“'
                    | '”'
                    | '«'
                    | '»'
                    | '„'
                    | '…'
                    | '/'
                    | '['
                    | ']'
                    | '–'
                    | '—'
                    | '#'
                    | '@'
                    | '*'
                    | '<'
                    | '>'
                    | '%'
                    | '+'
                    | '='
            )
        })
    {
        return None;
    }
    let segments: Vec<Vec<&str>> = core
        .split(',')
        .map(|s| s.split_whitespace().collect())
        .collect();
    let tokens: Vec<&str> = segments.iter().flatten().copied().collect();
    if segments.iter().any(Vec::is_empty) || tokens.len() > MAX_LABEL_WORDS {
        return None;
    }
    let (first, last) = (tokens[0], tokens[tokens.len() - 1]);
    if !starts_upper(first) || SENTENCE_STARTERS.contains(&first) {
        return None;
    }
    let label = segments
        .iter()
        .map(|s| s.join(" "))
        .collect::<Vec<_>>()
        .join(", ");
    if let Some(church) = church_label(&tokens, segments.len()) {
        return Some(church);
    }
    // Russian labels: an initials-and-surname token anchors a lowercase description.
    if INITIALS_NAME.is_match(first) || INITIALS_NAME.is_match(last) {
        let name_words = if INITIALS_NAME.is_match(first) {
            surname_run(&tokens, segments.len())
        } else {
            1
        };
        let name_at = if INITIALS_NAME.is_match(first) {
            0
        } else {
            tokens.len() - 1
        };
        let name = tokens[name_at..name_at + name_words].join(" ");
        let title = tokens
            .iter()
            .enumerate()
            .filter(|(i, t)| !(name_at..name_at + name_words).contains(i) && **t != name)
            .map(|(_, t)| *t)
            .collect::<Vec<_>>()
            .join(" ");
        return Some(SpeakerLabel {
            label,
            name: Some(name),
            title,
        });
    }
    let name_segment = segments.iter().position(|s| trailing_name(s).len() >= 2);
    let mut loose = 0;
    for (i, segment) in segments.iter().enumerate() {
        if name_segment.is_some_and(|n| i > n) {
            // An appositive after the name (`..., moderator of the plenary session`).
            continue;
        }
        for token in segment {
            if !is_label_word(token) {
                loose += 1;
            }
        }
    }
    match name_segment {
        Some(n) => {
            if loose > MAX_LOOSE_WORDS {
                return None;
            }
            let segment = &segments[n];
            let name_words = trailing_name(segment);
            // `Владимир Владимирович, мой вопрос:`, `Господин Канцлер, я посмотрел опросы...:`
            // address someone; `President Emmanuel Macron, who was Minister ...:` tells of
            // someone. Neither opens a turn of that person.
            let appositives = &segments[n + 1..];
            let addressed = segments[..n]
                .iter()
                .any(|s| HONORIFICS.contains(&s[0].to_lowercase().as_str()));
            if addressed
                || !appositives.is_empty()
                    && (is_address(&name_words) || appositives.iter().any(|s| opens_clause(s)))
            {
                return None;
            }
            let name = name_words.join(" ");
            // The title next to the name comes first: it is the one that describes the
            // speaker now (`..., President of the Republic of Serbia Tomislav Nikolic`).
            let mut title_parts: Vec<String> = Vec::new();
            let own = &segment[..segment.len() - name_words.len()];
            if !own.is_empty() {
                title_parts.push(own.join(" "));
            }
            for (i, s) in segments.iter().enumerate() {
                if i != n {
                    title_parts.push(s.join(" "));
                }
            }
            Some(SpeakerLabel {
                label,
                name: Some(name),
                title: title_parts.join(", "),
            })
        }
        None => {
            if loose > 0 || segments.len() > 1 {
                return None;
            }
            let single_known = tokens.len() == 1
                && (LABEL_WORDS.contains(&first.to_lowercase().as_str())
                    || known_person(first).is_some());
            let cue = tokens.len() > 1 && has_journalist_word(&label);
            if !(single_known || cue) {
                return None;
            }
            let name =
                (tokens.len() == 1 && known_person(first).is_some()).then(|| first.to_string());
            Some(SpeakerLabel {
                title: if name.is_some() {
                    String::new()
                } else {
                    label.clone()
                },
                label,
                name,
            })
        }
    }
}

/// Removes parenthesised notes (`(retranslated)`, `(FISU)`); `None` when unbalanced.
fn strip_parentheses(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.checked_sub(1)?,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    (depth == 0).then_some(out)
}

/// Splits words glued by a lost space (`VladimirPutin` → `Vladimir Putin`): a lowercase
/// letter followed by a capital, with at least three letters on each side.
fn split_glued_words(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 4);
    let mut run = 0usize; // letters since the start of the word
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 && chars[i - 1].is_lowercase() && run >= 3 {
            let ahead = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_lowercase())
                .count();
            if ahead >= 2 {
                out.push(' ');
                run = 0;
            }
        }
        run = if c.is_alphabetic() { run + 1 } else { 0 };
        out.push(c);
    }
    out
}

fn starts_upper(token: &str) -> bool {
    token.chars().next().is_some_and(char::is_uppercase)
}

/// Whether a token may stand in a label without counting as a loose lowercase word.
fn is_label_word(token: &str) -> bool {
    let lower = token.to_lowercase();
    if starts_upper(token) {
        // `Sr.`, `Jr.`, `A.`: short abbreviations and initials only.
        return match token.strip_suffix('.') {
            Some(stem) => stem.chars().count() <= 3,
            None => true,
        };
    }
    FUNCTION_WORDS.contains(&lower.as_str())
        || ROLE_NOUNS.contains(&lower.as_str())
        || ["al-", "el-", "ad-", "as-", "bin-"]
            .iter()
            .any(|p| lower.starts_with(p))
}

/// The personal name that ends `segment`: the last capitalised words that are not title
/// words, acronyms or countries (at most [`MAX_NAME_WORDS`]).
fn trailing_name<'a>(segment: &[&'a str]) -> Vec<&'a str> {
    let mut name: Vec<&str> = Vec::new();
    for token in segment.iter().rev() {
        let lower = token.to_lowercase();
        let particle = lower.starts_with("al-") || lower.starts_with("el-");
        let acronym = token.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && !token.chars().any(char::is_lowercase);
        // Countries end a name, nationality adjectives do not (`German Gref`).
        let title = is_title_word_of_labels(lower.trim_end_matches('.'))
            || RUSSIAN_TITLE_STEMS.iter().any(|t| lower.starts_with(t))
            || is_country(token);
        let initial = token.ends_with('.') && token.chars().count() <= 2;
        if (starts_upper(token) || particle) && !acronym && !title || (initial && !name.is_empty())
        {
            name.push(token);
            if name.len() > MAX_NAME_WORDS {
                // A run of capitalised words this long is a body's name ending in the
                // person's: `... Russia Today Television Channel Margarita Simonyan`.
                name.truncate(2);
                break;
            }
        } else {
            break;
        }
    }
    name.reverse();
    // `of North Ossetia-Alania Vyacheslav Bitarov`, `for Strategic Initiatives Svetlana
    // Chupsheva`: capitalised words right after a function word name a place or a body.
    let preceded_by_function_word = segment
        .len()
        .checked_sub(name.len() + 1)
        .and_then(|i| segment.get(i))
        .is_some_and(|w| FUNCTION_WORDS.contains(&w.to_lowercase().as_str()));
    if preceded_by_function_word && name.len() > 2 {
        name.drain(..name.len() - 2);
    }
    name
}

/// Whether `paragraph` introduces a quoted message of the document's speaker
/// (`The message reads, in part:`, `В послании, в частности, говорится:`).
fn introduces_quote(paragraph: &str) -> bool {
    let Some(colon) = memchr::memchr(b':', paragraph.as_bytes()) else {
        return false;
    };
    if paragraph[..colon].chars().count() > MAX_LABEL_CHARS {
        return false;
    }
    let prefix = paragraph[..colon].to_lowercase();
    let document_words = [
        "message",
        "telegram",
        "letter",
        "greeting",
        "address",
        "congratulat",
        "послани",
        "поздравлени",
        "телеграмм",
        "обращени",
        "письм",
    ];
    let saying_words = [
        "reads",
        "says",
        "said",
        "states",
        "in part",
        "in particular",
        "говорится",
        "отмечается",
        "в частности",
    ];
    document_words.iter().any(|w| prefix.contains(w))
        && saying_words.iter().any(|w| prefix.contains(w))
}

/// One speaker turn per paragraph of `doc`: who speaks (as labelled) and the guessed role.
pub(crate) fn attribute_turns(doc: &Document) -> Vec<(Option<String>, Role)> {
    let paragraphs: Vec<&str> = doc.paragraphs().collect();
    let labels: Vec<Option<SpeakerLabel>> = paragraphs.iter().map(|p| parse_label(p)).collect();
    let roles = label_roles(doc, &paragraphs, &labels);
    let author = (!doc.speaker.trim().is_empty()).then(|| doc.speaker.trim().to_string());
    let mut current: (Option<String>, Role) = match (doc.kind, &author) {
        (Kind::Article, Some(author)) => (
            Some(author.clone()),
            known_person(author).unwrap_or(Role::Other),
        ),
        _ => (None, Role::Narration),
    };
    let mut out = Vec::with_capacity(paragraphs.len());
    // The first well-known person of the paragraphs read so far, once found, and how many
    // paragraphs were searched (each paragraph is searched once at most).
    let mut first_person: Option<(String, Role)> = None;
    let mut searched = 0;
    for (i, (paragraph, label)) in paragraphs.iter().zip(&labels).enumerate() {
        if let Some(label) = label {
            current = (Some(label.speaker().to_string()), roles[i]);
        } else if introduces_quote(paragraph) {
            // The quoted message is the document speaker's or, in a news item without
            // one, that of the well-known person the narration so far is about (the first
            // one named up to this paragraph).
            let quoted = match &author {
                Some(author) => Some((author.clone(), known_person(author).unwrap_or(Role::Other))),
                None => {
                    while first_person.is_none() && searched <= i {
                        first_person = first_known_person(paragraphs[searched]);
                        searched += 1;
                    }
                    first_person.clone()
                }
            };
            if let Some((name, role)) = quoted {
                current = (Some(name), role);
            }
        }
        out.push(current.clone());
    }
    out
}

/// The role of each labelled paragraph (`Role::Other` where there is no label).
///
/// In order: the label's own words; the role an earlier or later label of this document
/// gave the same surname; the words that introduce the name in the text; for someone who
/// keeps asking (at least [`MIN_MODERATOR_TURNS`] turns, most of them with a question
/// mark), journalist, since that is how moderators and interviewers read; else other.
fn label_roles(doc: &Document, paragraphs: &[&str], labels: &[Option<SpeakerLabel>]) -> Vec<Role> {
    let own: Vec<Option<Role>> = labels
        .iter()
        .map(|l| l.as_ref().and_then(judge_label))
        .collect();
    let mut by_surname: HashMap<String, Role> = HashMap::new();
    for (label, role) in labels.iter().zip(&own) {
        if let (Some(Some(name)), Some(role)) = (label.as_ref().map(|l| &l.name), role) {
            by_surname.entry(surname(name)).or_insert(*role);
        }
    }
    // Turns and turns with a question, per bare name without a role so far.
    let mut asking: HashMap<String, (usize, usize)> = HashMap::new();
    for (i, label) in labels.iter().enumerate() {
        if let (Some(Some(name)), None) = (label.as_ref().map(|l| &l.name), own[i])
            && !by_surname.contains_key(&surname(name))
        {
            let counts = asking.entry(name.clone()).or_default();
            counts.0 += 1;
            if turn_asks(paragraphs, labels, i) {
                counts.1 += 1;
            }
        }
    }
    let mut context: HashMap<String, Role> = HashMap::new();
    labels
        .iter()
        .zip(&own)
        .map(|(label, role)| {
            let Some(label) = label else {
                return Role::Other;
            };
            if let Some(role) = role {
                return *role;
            }
            let Some(name) = label.name.as_deref() else {
                return Role::Other;
            };
            if let Some(role) = by_surname.get(&surname(name)) {
                return *role;
            }
            *context.entry(name.to_string()).or_insert_with(|| {
                role_from_context(doc, name).unwrap_or_else(|| {
                    let (turns, questions) = asking.get(name).copied().unwrap_or_default();
                    if turns >= MIN_MODERATOR_TURNS && questions * 2 > turns {
                        Role::Journalist
                    } else {
                        Role::Other
                    }
                })
            })
        })
        .collect()
}

/// Distinct labels remembered per thread before the memory is emptied.
const JUDGED_LABELS: usize = 20_000;

/// Roles judged per (title, name) of a label.
type JudgedLabels = Memory<(String, Option<String>), Option<Role>>;

thread_local! {
    /// The role of each distinct (title, name) judged on this thread: transcripts repeat the
    /// same labels (`Vladimir Putin`, `Question`) within and across documents, and the
    /// judgement depends on the label alone.
    static JUDGED: JudgedLabels = std::cell::RefCell::new(HashMap::new());
}

/// [`guess_role`] of a label's title and name, remembered per thread.
fn judge_label(label: &SpeakerLabel) -> Option<Role> {
    let key = (label.title.clone(), label.name.clone());
    remembered(&JUDGED, &key, JUDGED_LABELS, || {
        guess_role(&label.title, label.name.as_deref())
    })
}

/// Turns a bare name needs before asking questions makes them a moderator.
const MIN_MODERATOR_TURNS: usize = 3;

/// Whether the turn starting at paragraph `start` contains a question mark.
fn turn_asks(paragraphs: &[&str], labels: &[Option<SpeakerLabel>], start: usize) -> bool {
    paragraphs[start..]
        .iter()
        .enumerate()
        .take_while(|(k, _)| *k == 0 || labels[start + k].is_none())
        .any(|(_, p)| p.contains('?'))
}

/// Lowercase surname of a name (`В.Путин` → `путин`), the key of per-document memory.
fn surname(name: &str) -> String {
    let last = name.split_whitespace().last().unwrap_or(name);
    let last = last.rsplit('.').next().unwrap_or(last);
    last.to_lowercase()
}

/// The role implied by the words just before `name` where the title or text mentions it
/// (`with Russian Railways CEO Oleg Belozerov`, `The anchors of Direct Line are ...`).
fn role_from_context(doc: &Document, name: &str) -> Option<Role> {
    const WORDS_BEFORE: usize = 8;
    let finder = memchr::memmem::Finder::new(name.as_bytes());
    for text in [doc.title.as_str(), doc.text.as_str()] {
        // The occurrences `str::match_indices` gives (non-overlapping, left to right),
        // found with memchr's vectorised search: a document is searched once per label.
        for at in finder.find_iter(text.as_bytes()) {
            // Skip the labels themselves.
            if text[at + name.len()..].starts_with(':') {
                continue;
            }
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let before = &text[line_start..at];
            // Stay inside the sentence that mentions the name.
            let sentence_start = before.rfind(['.', '!', '?', ':']).map_or(0, |i| i + 1);
            let words: Vec<&str> = before[sentence_start..].split_whitespace().collect();
            let window = words[words.len().saturating_sub(WORDS_BEFORE)..].join(" ");
            if let Some(role) = guess_role_in_text(&window).filter(|r| *r != Role::Other) {
                return Some(role);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Lang;
    use chrono::NaiveDate;

    fn label(paragraph: &str) -> Option<(String, Option<String>)> {
        parse_label(paragraph).map(|l| (l.title, l.name))
    }

    #[test]
    fn a_remembered_prefix_reads_as_on_first_sight() {
        let paragraphs = [
            "В.Путин: Добрый день.",
            "Vladimir Putin: Thank you.",
            "President of Russia Vladimir Putin (retranslated): Good afternoon.",
            "This is what I said: no.",
            "Question:",
            "В.Путин:Добрый день.",
        ];
        for paragraph in paragraphs {
            let colon = paragraph.find(':').unwrap();
            let prefix = paragraph[..colon].trim();
            let after = &paragraph[colon + 1..];
            let direct = (after.is_empty() || after.starts_with(char::is_whitespace))
                .then(|| label_of_prefix(prefix))
                .flatten();
            // First sight, then from this thread's memory, with another text after the colon.
            assert_eq!(parse_label(paragraph), direct, "{paragraph}");
            assert_eq!(parse_label(paragraph), direct, "{paragraph}");
            let other = format!("{}{}", &paragraph[..=colon], " Something else.");
            let other_direct = label_of_prefix(prefix);
            assert_eq!(parse_label(&other), other_direct, "{other}");
        }
        // The memory is bounded: it empties itself when full and keeps reading the same.
        for i in 0..REMEMBERED_PREFIXES + 10 {
            let paragraph = format!("Speaker Number{i}: text");
            assert_eq!(
                parse_label(&paragraph),
                label_of_prefix(&paragraph[..paragraph.find(':').unwrap()])
            );
        }
        PREFIX_LABELS.with(|labels| assert!(labels.borrow().len() <= REMEMBERED_PREFIXES));
        assert_eq!(
            parse_label("В.Путин: Добрый день.").map(|l| l.name),
            Some(Some("В.Путин".to_string()))
        );
    }

    #[test]
    fn english_labels_with_and_without_titles() {
        let cases = [
            ("Vladimir Putin: Good afternoon.", "", "Vladimir Putin"),
            (
                "President of Russia Vladimir Putin: Colleagues,",
                "President of Russia",
                "Vladimir Putin",
            ),
            ("Dmitry Peskov: No comment.", "", "Dmitry Peskov"),
            (
                "Prime Minister of Japan Shinzo Abe (retranslated): Thank you.",
                "Prime Minister of Japan",
                "Shinzo Abe",
            ),
            (
                "Maria Zakharova: As for the question,",
                "",
                "Maria Zakharova",
            ),
            (
                "Finance Minister Anton Siluanov: Yes.",
                "Finance Minister",
                "Anton Siluanov",
            ),
            ("VladimirPutin: Glued.", "", "Vladimir Putin"),
            (
                "CNBC TV anchor Geoff Cutmore, moderator of the plenary session: Welcome.",
                "CNBC TV anchor, moderator of the plenary session",
                "Geoff Cutmore",
            ),
            (
                "Panel moderator, NBC host Megyn Kelly: Hello.",
                "NBC host, Panel moderator",
                "Megyn Kelly",
            ),
            (
                "Head of the A Just Russia faction in the State Duma Sergei Mironov: Indeed.",
                "Head of the A Just Russia faction in the State Duma",
                "Sergei Mironov",
            ),
            (
                "Head of the Republic of North Ossetia-Alania Vyacheslav Bitarov: Yes.",
                "Head of the Republic of North Ossetia-Alania",
                "Vyacheslav Bitarov",
            ),
            // A body's name of capitalised words ends at its last noun.
            (
                "Director General of the State Sample Museum Ivan Testov: Yes.",
                "Director General of the State Sample Museum",
                "Ivan Testov",
            ),
            (
                "Chief of the General Staff of the Russian Armed Forces Ivan Testov: Yes.",
                "Chief of the General Staff of the Russian Armed Forces",
                "Ivan Testov",
            ),
            (
                "General Director of the Russian Sample Holding Ivan Testov: Yes.",
                "General Director of the Russian Sample Holding",
                "Ivan Testov",
            ),
            (
                "CEO of Russian Railways Ivan Testov: Yes.",
                "CEO of Russian Railways",
                "Ivan Testov",
            ),
            (
                "Head Coach of Russia’s Sample Team Ivan Testov: Yes.",
                "Head Coach of Russia’s Sample Team",
                "Ivan Testov",
            ),
            (
                "Sample Daily Editor-in-Chief Ivan Testov: Good afternoon.",
                "Sample Daily Editor-in-Chief",
                "Ivan Testov",
            ),
            ("Aung San Suu Kyi: Thank you.", "", "Aung San Suu Kyi"),
            (
                "UN Secretary-General Antonio Guterres: Thank you.",
                "UN Secretary-General",
                "Antonio Guterres",
            ),
            (
                "Sr Lieutenant A. Vedyashchev: Reporting.",
                "Sr Lieutenant",
                "A. Vedyashchev",
            ),
        ];
        for (paragraph, title, name) in cases {
            assert_eq!(
                label(paragraph),
                Some((title.to_string(), Some(name.to_string()))),
                "{paragraph}"
            );
        }
    }

    #[test]
    fn label_words_and_russian_labels() {
        assert_eq!(
            label("Question: Mr President,"),
            Some(("Question".into(), None))
        );
        assert_eq!(
            label("Question (retranslated): And?"),
            Some(("Question".into(), None))
        );
        assert_eq!(label("Remark: Thank you."), Some(("Remark".into(), None)));
        assert_eq!(label("Moderator:"), Some(("Moderator".into(), None)));
        assert_eq!(label("Вопрос: Скажите,"), Some(("Вопрос".into(), None)));
        assert_eq!(
            label("В.Путин: Добрый день."),
            Some((String::new(), Some("В.Путин".into())))
        );
        assert_eq!(
            label("С.Лавров: Да."),
            Some((String::new(), Some("С.Лавров".into())))
        );
        assert_eq!(
            label("М.Захарова: Спасибо."),
            Some((String::new(), Some("М.Захарова".into())))
        );
        // A surname of several words goes on through capitalised words that are no title.
        assert_eq!(
            label("Т.Х.Аль Тани: Да."),
            Some((String::new(), Some("Т.Х.Аль Тани".into())))
        );
        assert_eq!(
            label("К.Фернандес Де Киршнер: Спасибо."),
            Some((String::new(), Some("К.Фернандес Де Киршнер".into())))
        );
        assert_eq!(
            label("В.Путин Президент: Да."),
            Some(("Президент".into(), Some("В.Путин".into())))
        );
        assert_eq!(
            label("С.Лавров, Министр: Да."),
            Some(("Министр".into(), Some("С.Лавров".into())))
        );
        assert_eq!(
            label(
                "С.Кравцов Кравцов Сергей Сергеевич Министр просвещения Российской Федерации : Да."
            ),
            Some((
                "Кравцов Сергей Сергеевич Министр просвещения Российской Федерации".into(),
                Some("С.Кравцов".into())
            ))
        );
    }

    #[test]
    fn sentences_with_colons_are_not_labels() {
        for paragraph in [
            "О Петре Первом: он прорубил окно в Европу.",
            "В Сингапуре: переговоры.",
            "The answer is simple: we will not.",
            "The message reads, in part: “Dear friends”",
            "Hence, the question: who benefits?",
            "Another example: the railway.",
            "Humanitarian aid to the Syrian people is delivered regularly: convoys leave daily.",
            "At 10:30 the talks began.",
            "See http://kremlin.ru for more.",
            "May 9, 2017, 6: parade.",
            "Within the framework of the international forum Arctic: talks.",
            "Note: this is a draft.",
            "One more thing: thank you.",
            "They said “no”: that was all.",
            "Therefore: nothing.",
        ] {
            assert_eq!(parse_label(paragraph), None, "{paragraph}");
        }
    }

    #[test]
    fn church_leaders_are_named_by_title_and_see() {
        let cases = [
            ("Patriarch Kirill: Mr President,", "Patriarch Kirill"),
            (
                "Patriarch Kirill of Moscow and All Russia: Your Excellency,",
                "Patriarch Kirill of Moscow and All Russia",
            ),
            (
                "Patriarch of Moscow and All Russia Kirill: Thank you.",
                "Patriarch of Moscow and All Russia Kirill",
            ),
            (
                "Patriarch Theophilos III of Jerusalem (retranslated): Thank you.",
                "Patriarch Theophilos III of Jerusalem",
            ),
            (
                "Патриарх Кирилл : Глубокоуважаемый Владимир Владимирович!",
                "Патриарх Кирилл",
            ),
            (
                "Святейший Патриарх Московский и всея Руси Кирилл: Ваше Превосходительство,",
                "Патриарх Московский и всея Руси Кирилл",
            ),
        ];
        for (paragraph, name) in cases {
            let label = parse_label(paragraph).unwrap_or_else(|| panic!("{paragraph}"));
            assert_eq!(label.name.as_deref(), Some(name), "{paragraph}");
        }
        assert_eq!(
            label("Metropolitan Opera Director Ivan Testov: Welcome."),
            Some((
                "Metropolitan Opera Director".into(),
                Some("Ivan Testov".into())
            ))
        );
        assert_eq!(parse_label("Patriarch: Hi."), None);
        assert_eq!(parse_label("The Patriarch said: thank you."), None);
    }

    #[test]
    fn russian_titles_in_any_case_are_no_names() {
        for paragraph in [
            "Соглашусь с Президентом Баттулгой: переговоры были содержательными.",
            "Господин Президент, второй элемент пенсионной системы работает: средства используются.",
            "Встреча с Премьер-министром Абэ: итоги.",
        ] {
            assert_eq!(parse_label(paragraph), None, "{paragraph}");
        }
        assert_eq!(
            label("Президент Монголии Х.Баттулга: Спасибо."),
            Some(("Президент Монголии".into(), Some("Х.Баттулга".into())))
        );
    }

    #[test]
    fn addresses_and_clauses_after_a_name_are_not_labels() {
        for paragraph in [
            "Владимир Владимирович, мой вопрос: можно ли надеяться?",
            "Владимир Владимирович, коечным фондом обеспечены: мы развернули свыше норматива.",
            "Татьяна Алексеевна, есть одна просьба: помогите.",
            "Анна Ивановна Тестова, выступая несколько минут назад, сказала: Вы правы.",
            "Текст Указа: 1. Назначить.",
            "Уважаемые коллеги, Иван Тестов, о котором я уже вспоминал, говорил: учиться.",
            "Ivan Testov, of whom I spoke, said: learn.",
            "Уважаемый Владимир Владимирович, разрешите поблагодарить Вас: спасибо.",
            "Господин Канцлер, хочется узнать Ваше мнение. Мы видели отношение к проекту: санкции.",
            "Господин Радев, и Вас спрошу: интегрировать Европу?",
            "Меня зовут Станислав Протасов, и я бы хотел затронуть вот какой вопрос: дороги.",
            "President Emmanuel Macron, who was Minister of Economy in 2016, visited Russia: yes.",
            "Dear Vladimir Putin, thank you: we are grateful.",
        ] {
            assert_eq!(parse_label(paragraph), None, "{paragraph}");
        }
        // Descriptions after the name, and names without one, stay labels.
        let cases = [
            (
                "Natalya Yuryeva, Channel One Russia: Mr President,",
                "Channel One Russia",
                "Natalya Yuryeva",
            ),
            (
                "Dmitry Kucheryavin, manual arc welding technician at a branch of JSC AEM-technology: Hello.",
                "manual arc welding technician at a branch of JSC AEM-technology",
                "Dmitry Kucheryavin",
            ),
            (
                "Roman Abramovich, Governor of Chukotka: Yes.",
                "Governor of Chukotka",
                "Roman Abramovich",
            ),
            ("Роман Абрамович: Да.", "", "Роман Абрамович"),
            (
                "Иван Петров, Новосибирск: Здравствуйте.",
                "Новосибирск",
                "Иван Петров",
            ),
        ];
        for (paragraph, title, name) in cases {
            assert_eq!(
                label(paragraph),
                Some((title.to_string(), Some(name.to_string()))),
                "{paragraph}"
            );
        }
    }

    fn doc(kind: Kind, speaker: &str, title: &str, text: &str) -> Document {
        Document {
            id: "d".into(),
            date: NaiveDate::from_ymd_opt(2017, 9, 5).unwrap(),
            title: title.into(),
            speaker: speaker.into(),
            source: "kremlin.ru".into(),
            kind,
            lang: Lang::En,
            url: String::new(),
            text: text.into(),
            tags: vec![],
            location: None,
        }
    }

    fn roles(doc: &Document) -> Vec<Role> {
        attribute_turns(doc).into_iter().map(|(_, r)| r).collect()
    }

    #[test]
    fn turns_last_until_the_next_label_and_narration_comes_first() {
        let d = doc(
            Kind::Transcript,
            "Vladimir Putin",
            "Talks with the President of France",
            "The leaders met in the Kremlin.\n* * *\nVladimir Putin: Welcome.\nWe are glad.\nPresident of France Emmanuel Macron (retranslated): Thank you.\nQuestion: What next?\nVladimir Putin: Dialogue.\nThe answer is simple: talks.",
        );
        use Role::*;
        assert_eq!(
            roles(&d),
            [
                Narration, Narration, Official, Official, Foreign, Journalist, Official, Official
            ]
        );
        let turns = attribute_turns(&d);
        assert_eq!(turns[4].0.as_deref(), Some("Emmanuel Macron"));
        assert_eq!(turns[0].0, None);
    }

    #[test]
    fn bare_names_take_the_role_of_an_earlier_label_or_of_their_introduction() {
        let d = doc(
            Kind::Transcript,
            "Vladimir Putin",
            "Meeting with Transport Minister Ivan Example",
            "The hosts of the forum are Jane Sample and John Test.\nPresident of Finland Matti Placeholder: Hello.\nMatti Placeholder: Again.\nJane Sample: A question.\nIvan Example: Roads.\nPeter Nobody: Hi.",
        );
        use Role::*;
        assert_eq!(
            roles(&d),
            [Narration, Foreign, Foreign, Journalist, Official, Other]
        );
    }

    #[test]
    fn quoted_messages_and_articles_belong_to_the_documents_speaker() {
        let d = doc(
            Kind::News,
            "Vladimir Putin",
            "Greetings",
            "Vladimir Putin sent greetings to the participants.\nThe message reads, in part: “I welcome you.”\nIt continues here.",
        );
        assert_eq!(roles(&d), [Role::Narration, Role::Official, Role::Official]);
        let a = doc(Kind::Article, "Vladimir Putin", "An article", "One.\nTwo.");
        assert_eq!(roles(&a), [Role::Official, Role::Official]);
    }

    #[test]
    fn a_quote_without_a_document_speaker_belongs_to_the_first_person_named_so_far() {
        // No speaker: each quoted message goes to the well-known person named first in the
        // paragraphs up to it (a quote before any name stays narration).
        let d = doc(
            Kind::News,
            "",
            "Messages",
            "The message reads: “Nothing yet.”\nA meeting took place.\nDonald Trump called; later Vladimir Putin spoke.\nThe message reads: “Greetings.”\nSergei Lavrov added a word.\nThe letter reads: “More.”",
        );
        let speakers: Vec<Option<String>> =
            attribute_turns(&d).into_iter().map(|(s, _)| s).collect();
        let trump = Some("Donald Trump".to_string());
        assert_eq!(
            speakers,
            [None, None, None, trump.clone(), trump.clone(), trump]
        );
        use Role::*;
        assert_eq!(
            roles(&d),
            [Narration, Narration, Narration, Foreign, Foreign, Foreign]
        );
    }
}
