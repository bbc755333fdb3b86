//! A parsed query analyzed for both languages: every word and phrase is run through the
//! English analyzer (for `text_en`/`title_en`) and the Russian one (for `text_ru`/`title_ru`),
//! keyword values are resolved, and each text leaf gets an id and a polarity.
//!
//! The plan is the single description of a query that its consumers share, so they agree
//! on what matches: the index turns it into a Tantivy query (`index::query`), search finds
//! its spans in stored texts (`search::matcher`, highlighting) and re-evaluates it on the
//! paragraphs of one speaker (`search::turns`).
//!
//! Decisions: a bare word that the tokenizer splits (`U.S.`, `six-party`) is an exact
//! phrase of its parts; a one-word phrase is a term (its slop is irrelevant); a prefix is
//! lowercased (with `ё`→`е`) and matched against the indexed stems both as typed and as
//! stemmed, so `sanctions*` still finds the stem `sanction`.

use std::sync::Arc;

use super::QueryError;
use super::syntax::{Expr, FieldName, Leaf, LeafValue};
use crate::corpus::SpeakerRegistry;
use crate::document::{Kind, Lang};
use crate::text::Analyzer;
use crate::text::fast::stem_key;
use crate::text::names::NamePattern;
use crate::text::words::{overlong_reason, overlong_word};

/// A query ready to run, match and evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub(crate) root: Node,
    /// Number of text leaves (their ids are `0..text_leaves`).
    pub(crate) text_leaves: usize,
    /// Per language (en, ru): prefixes a word must start with to possibly stem to one of
    /// the plan's stems or prefixes (their keys: [`crate::text::fast`]; see `search::scan`).
    stem_keys: [Vec<String>; 2],
    /// Per language (en, ru): groups of keys (see `stem_keys`); a string can hold a match
    /// of some leaf only if it holds every key of some group (a leaf's words all appear in
    /// its matches; each prefix alternative is a group of its own).
    key_groups: [Vec<Vec<String>>; 2],
}

/// A node of the analyzed query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Text(TextLeaf),
    Keyword(KeywordLeaf),
}

/// A word, phrase or prefix searched in the text and/or the title.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TextLeaf {
    /// Index among the text leaves of the plan (distinct terms in a passage are counted by it).
    pub(crate) id: usize,
    pub(crate) scope: Scope,
    /// Whether the leaf sits under an even number of NOTs (only those are highlighted).
    pub(crate) positive: bool,
    /// The pattern analyzed with the English analyzer.
    pub(crate) en: Pattern,
    /// The pattern analyzed with the Russian analyzer.
    pub(crate) ru: Pattern,
}

impl TextLeaf {
    /// The pattern for documents of `lang`.
    pub(crate) fn pattern(&self, lang: Lang) -> &Pattern {
        match lang {
            Lang::En => &self.en,
            Lang::Ru => &self.ru,
        }
    }
}

/// Where a text leaf is searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Body and title (no field given).
    TextAndTitle,
    /// `text:` body only.
    Text,
    /// `title:` title only.
    Title,
}

impl Scope {
    pub(crate) fn in_text(self) -> bool {
        matches!(self, Scope::TextAndTitle | Scope::Text)
    }

    pub(crate) fn in_title(self) -> bool {
        matches!(self, Scope::TextAndTitle | Scope::Title)
    }
}

/// An analyzed text pattern, in stems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Pattern {
    /// One stem.
    Term(String),
    /// Stems with their position offsets from the first one, and the slop.
    Phrase {
        terms: Vec<(usize, String)>,
        slop: u32,
    },
    /// A prefix the user wrote: the stems it selects, as prefixes of index terms
    /// (`prefixes`) and as whole stems (`stems`; see [`prefix_pattern`]).
    Prefix {
        prefixes: Vec<String>,
        stems: Vec<String>,
    },
}

impl Pattern {
    /// Whether a token's `stem` is selected by this prefix pattern (false for the others).
    pub(crate) fn prefix_selects(&self, stem: &str) -> bool {
        match self {
            Pattern::Prefix { prefixes, stems } => {
                !stem.is_empty()
                    && (prefixes.iter().any(|p| stem.starts_with(p.as_str()))
                        || stems.iter().any(|s| s == stem))
            }
            _ => false,
        }
    }
}

/// The kind of a plan that is a single text leaf ([`Plan::single_leaf`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LeafKind {
    /// One word (a stem per language).
    Words,
    /// An exact phrase (slop 0).
    ExactPhrase,
    /// A prefix.
    Prefix,
}

/// A metadata condition written in the query (`speaker:putin`, `kind:news`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KeywordLeaf {
    pub(crate) field: KeywordField,
    pub(crate) matcher: KeywordMatch,
    /// The value as written (a `speaker:` name is looked up in the speaker registry).
    pub(crate) text: String,
}

/// The keyword fields of the schema a query can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeywordField {
    Speaker,
    Source,
    Kind,
    Lang,
    Tag,
}

/// How a keyword value is matched.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum KeywordMatch {
    /// Any of these exact lowercase values (fixed vocabularies: kind, lang).
    OneOf(Vec<String>),
    /// Stored values containing these words (free names: speaker, source, tag).
    Words(NamePattern),
    /// A speaker name of a registry person: stored values containing its words, and every
    /// stored value the registry resolves to that person (see [`Plan::with_speakers`]).
    Person {
        words: NamePattern,
        /// The person's canonical name.
        person: String,
        registry: Arc<SpeakerRegistry>,
    },
}

impl KeywordMatch {
    /// Whether a stored value (as stored, any case) matches.
    pub(crate) fn matches(&self, value: &str) -> bool {
        match self {
            KeywordMatch::OneOf(values) => values.iter().any(|v| v.eq_ignore_ascii_case(value)),
            KeywordMatch::Words(pattern) => pattern.matches(value),
            KeywordMatch::Person {
                words,
                person,
                registry,
            } => {
                words.matches(value)
                    || registry
                        .person(value)
                        .is_some_and(|found| found.name == *person)
            }
        }
    }
}

impl Plan {
    /// What the plan is when it is one word, one exact phrase or one prefix (the same kind
    /// in both languages): the queries whose top hits the index prunes by score bounds (a
    /// union of terms, bounded exact phrases, prefix score levels) rather than by scoring
    /// every match.
    pub(crate) fn single_leaf(&self) -> Option<LeafKind> {
        let Node::Text(leaf) = &self.root else {
            return None;
        };
        match (leaf.pattern(Lang::En), leaf.pattern(Lang::Ru)) {
            (Pattern::Term(_), Pattern::Term(_)) => Some(LeafKind::Words),
            (Pattern::Phrase { slop: 0, .. }, Pattern::Phrase { slop: 0, .. }) => {
                Some(LeafKind::ExactPhrase)
            }
            (Pattern::Prefix { .. }, Pattern::Prefix { .. }) => Some(LeafKind::Prefix),
            _ => None,
        }
    }

    /// Parses and analyzes `query` (the language of `statemine search`) with fresh
    /// analyzers: the one-call form for a query used once, such as a document filter.
    /// A bad query is a [`QueryError::Syntax`] with its 1-based column.
    pub fn parse(query: &str) -> Result<Plan, QueryError> {
        Plan::new(&super::syntax::parse(query)?, &mut Analyzer::default())
    }

    /// Analyzes a parsed query with both languages' analyzers.
    pub fn new(expr: &Expr, analyzer: &mut Analyzer) -> Result<Plan, QueryError> {
        let mut builder = PlanBuilder {
            analyzer,
            next_id: 0,
        };
        let root = builder.node(expr, true)?;
        Ok(Plan::finish(root, builder.next_id))
    }

    /// The plan every document matches: each is in one of the languages, so this is
    /// `lang:en OR lang:ru`. A search without a query lists, counts or groups the documents
    /// its filters select with it.
    pub fn every_document() -> Plan {
        let langs = Lang::ALL.iter().map(|l| l.as_str().to_string()).collect();
        let root = Node::Keyword(KeywordLeaf {
            field: KeywordField::Lang,
            matcher: KeywordMatch::OneOf(langs),
            text: "*".into(),
        });
        Plan::finish(root, 0)
    }

    /// The plan of `root`, with `text_leaves` text leaves, and its word keys.
    fn finish(root: Node, text_leaves: usize) -> Plan {
        let mut plan = Plan {
            root,
            text_leaves,
            stem_keys: [Vec::new(), Vec::new()],
            key_groups: [Vec::new(), Vec::new()],
        };
        plan.key_groups = [Lang::En, Lang::Ru].map(|lang| plan.key_groups_for(lang));
        plan.stem_keys = plan.key_groups.clone().map(|groups| {
            let mut keys: Vec<String> = groups.into_iter().flatten().collect();
            keys.sort();
            keys.dedup();
            keys
        });
        plan
    }

    /// Word prefixes that can lead to a stem or prefix of the plan in `lang`.
    pub(crate) fn stem_keys(&self, lang: Lang) -> &[String] {
        match lang {
            Lang::En => &self.stem_keys[0],
            Lang::Ru => &self.stem_keys[1],
        }
    }

    /// Groups of keys of `lang`, one group per way a leaf can match (see `key_groups`).
    pub(crate) fn key_groups(&self, lang: Lang) -> &[Vec<String>] {
        match lang {
            Lang::En => &self.key_groups[0],
            Lang::Ru => &self.key_groups[1],
        }
    }

    fn key_groups_for(&self, lang: Lang) -> Vec<Vec<String>> {
        // A word can stem to a stem (or to one starting with a prefix) only if it starts
        // with its key: the analyzer's one key rule.
        let key = |stem: &str| stem_key(lang, stem).to_string();
        let mut groups = Vec::new();
        self.for_each_text_leaf(&mut |leaf| match leaf.pattern(lang) {
            Pattern::Term(stem) => groups.push(vec![key(stem)]),
            Pattern::Phrase { terms, .. } => {
                groups.push(terms.iter().map(|(_, s)| key(s)).collect());
            }
            Pattern::Prefix { prefixes, stems } => {
                groups.extend(prefixes.iter().chain(stems).map(|p| vec![key(p)]));
            }
        });
        groups
    }

    /// The plan with each `speaker:` name of a registry person also matching every stored
    /// speaker the registry resolves to that person (`speaker:"Sergei Lavrov"` matches
    /// `Sergey Lavrov` and `Сергей Лавров`), as `--speaker` does; `None` when no `speaker:`
    /// value names a person. `registry` is called only when the plan has a `speaker:` value.
    pub fn with_speakers(&self, registry: impl FnOnce() -> Arc<SpeakerRegistry>) -> Option<Plan> {
        fn has_speaker(node: &Node) -> bool {
            match node {
                Node::And(children) | Node::Or(children) => children.iter().any(has_speaker),
                Node::Not(child) => has_speaker(child),
                Node::Text(_) => false,
                Node::Keyword(leaf) => leaf.field == KeywordField::Speaker,
            }
        }
        fn resolve(node: &mut Node, registry: &Arc<SpeakerRegistry>) -> bool {
            match node {
                Node::And(children) | Node::Or(children) => children
                    .iter_mut()
                    .fold(false, |any, c| resolve(c, registry) | any),
                Node::Not(child) => resolve(child, registry),
                Node::Text(_) => false,
                Node::Keyword(leaf) => {
                    let KeywordMatch::Words(words) = &leaf.matcher else {
                        return false;
                    };
                    if leaf.field != KeywordField::Speaker {
                        return false;
                    }
                    let Some(person) = registry.person(&leaf.text) else {
                        return false;
                    };
                    leaf.matcher = KeywordMatch::Person {
                        words: words.clone(),
                        person: person.name.clone(),
                        registry: Arc::clone(registry),
                    };
                    true
                }
            }
        }
        if !has_speaker(&self.root) {
            return None;
        }
        let registry = registry();
        let mut plan = self.clone();
        resolve(&mut plan.root, &registry).then_some(plan)
    }

    /// Whether some positive text leaf exists (otherwise passages have nothing to show).
    pub(crate) fn has_positive_text(&self) -> bool {
        let mut found = false;
        self.for_each_text_leaf(&mut |leaf| found |= leaf.positive);
        found
    }

    /// Whether some positive text leaf is searched in the body text (a query whose positive
    /// leaves are all `title:` or metadata selects documents but matches no passage).
    pub(crate) fn has_positive_body_text(&self) -> bool {
        let mut found = false;
        self.for_each_text_leaf(&mut |leaf| found |= leaf.positive && leaf.scope.in_text());
        found
    }

    /// Calls `visit` on every text leaf, in query order.
    pub(crate) fn for_each_text_leaf<'a>(&'a self, visit: &mut impl FnMut(&'a TextLeaf)) {
        fn walk<'a>(node: &'a Node, visit: &mut impl FnMut(&'a TextLeaf)) {
            match node {
                Node::And(children) | Node::Or(children) => {
                    children.iter().for_each(|c| walk(c, visit));
                }
                Node::Not(child) => walk(child, visit),
                Node::Text(leaf) => visit(leaf),
                Node::Keyword(_) => {}
            }
        }
        walk(&self.root, visit);
    }
}

struct PlanBuilder<'a> {
    analyzer: &'a mut Analyzer,
    next_id: usize,
}

impl PlanBuilder<'_> {
    fn node(&mut self, expr: &Expr, positive: bool) -> Result<Node, QueryError> {
        Ok(match expr {
            Expr::And(children) => Node::And(
                children
                    .iter()
                    .map(|c| self.node(c, positive))
                    .collect::<Result<_, _>>()?,
            ),
            Expr::Or(children) => Node::Or(
                children
                    .iter()
                    .map(|c| self.node(c, positive))
                    .collect::<Result<_, _>>()?,
            ),
            Expr::Not(child) => Node::Not(Box::new(self.node(child, !positive)?)),
            Expr::Leaf(leaf) => self.leaf(leaf, positive)?,
        })
    }

    fn leaf(&mut self, leaf: &Leaf, positive: bool) -> Result<Node, QueryError> {
        let error = |message: String| QueryError::Syntax {
            position: leaf.column,
            message,
        };
        let scope = match leaf.field {
            FieldName::Default => Scope::TextAndTitle,
            FieldName::Text => Scope::Text,
            FieldName::Title => Scope::Title,
            FieldName::Speaker => return keyword(leaf, KeywordField::Speaker).map_err(error),
            FieldName::Source => return keyword(leaf, KeywordField::Source).map_err(error),
            FieldName::Kind => return keyword(leaf, KeywordField::Kind).map_err(error),
            FieldName::Lang => return keyword(leaf, KeywordField::Lang).map_err(error),
            FieldName::Tag => return keyword(leaf, KeywordField::Tag).map_err(error),
        };
        let en = analyze(self.analyzer, Lang::En, &leaf.value).map_err(error)?;
        let ru = analyze(self.analyzer, Lang::Ru, &leaf.value).map_err(error)?;
        let id = self.next_id;
        self.next_id += 1;
        Ok(Node::Text(TextLeaf {
            id,
            scope,
            positive,
            en,
            ru,
        }))
    }
}

/// Analyzes one leaf value with the analyzer of `lang`.
fn analyze(analyzer: &mut Analyzer, lang: Lang, value: &LeafValue) -> Result<Pattern, String> {
    let (text, slop) = match value {
        LeafValue::Term(word) => (word.as_str(), 0),
        LeafValue::Phrase { text, slop } => (text.as_str(), *slop),
        LeafValue::Prefix(prefix) => return prefix_pattern(analyzer, lang, prefix),
    };
    if let Some(word) = overlong_word(text) {
        return Err(overlong_reason(word));
    }
    let tokens = analyzer.tokens(lang, text);
    let Some(first) = tokens.first() else {
        return Err(match value {
            LeafValue::Phrase { .. } => "the phrase has no word to search".to_string(),
            _ => format!("`{text}` has no letters or digits to search"),
        });
    };
    if tokens.len() == 1 {
        return Ok(Pattern::Term(first.stem.clone()));
    }
    let base = first.position;
    Ok(Pattern::Phrase {
        terms: tokens
            .iter()
            .map(|t| (t.position - base, t.stem.clone()))
            .collect(),
        slop,
    })
}

fn prefix_pattern(analyzer: &mut Analyzer, lang: Lang, prefix: &str) -> Result<Pattern, String> {
    if !prefix.chars().all(char::is_alphanumeric) {
        return Err(format!(
            "a prefix must be one word of letters and digits, found `{prefix}*`"
        ));
    }
    let lowered = prefix.to_lowercase().replace('ё', "е");
    // The index holds stems. A word starting with the prefix has a stem that starts with
    // it too, or one the stemmer cut inside the prefix (`planned` -> `plan` for `plann*`,
    // `security` -> `secur` for `securit*`, `санкции` -> `санкц` for `санкци*`). Those
    // shorter stems are found by stemming the prefix and the prefix completed by common
    // endings, and are searched whole: `plan` as a prefix would bring `plant` and
    // `planet`. As for every word of a query, a stem stands for all its words.
    let stems = cut_stems(lang, &lowered, |word| {
        match analyzer.stems(lang, word).as_slice() {
            [stem] => Some(stem.clone()),
            _ => None,
        }
    });
    Ok(Pattern::Prefix {
        prefixes: vec![lowered],
        stems,
    })
}

/// The stems that words starting with `prefix` (lowercased, `ё` folded) can have in `lang`
/// and that do not start with it: the stems `stem` gives of the prefix and of the prefix
/// completed by common endings, where they are cut inside the prefix (`plann` -> `plan`).
/// `stem` is the language's analyzer on one word (`None`: not one token). A search for
/// `prefix*` matches these stems whole besides every stem starting with the prefix.
pub fn cut_stems(
    lang: Lang,
    prefix: &str,
    mut stem: impl FnMut(&str) -> Option<String>,
) -> Vec<String> {
    let endings = match lang {
        Lang::En => EN_ENDINGS,
        Lang::Ru => RU_ENDINGS,
    };
    let mut stems: Vec<String> = Vec::new();
    for ending in endings {
        if let Some(cut) = stem(&format!("{prefix}{ending}"))
            && !cut.starts_with(prefix)
            && cut.chars().count() >= MIN_CUT_STEM_CHARS
            && (prefix.starts_with(cut.as_str()) || ending.is_empty())
            && !stems.contains(&cut)
        {
            stems.push(cut);
        }
    }
    stems
}

/// The shortest stem cut inside a prefix that is searched (shorter ones are the stems of
/// too many words to stand for the prefix's).
const MIN_CUT_STEM_CHARS: usize = 3;

/// Endings that complete an English prefix into words whose stem may end inside the
/// prefix: the prefix itself, single letters (`securit` + `y`, `economi` + `c`), and the
/// suffixes the Snowball (Porter2) stemmer removes.
const EN_ENDINGS: &[&str] = &[
    "", "a", "b", "c", "d", "e", "f", "g", "h", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t",
    "u", "v", "y", "z", "ed", "es", "er", "ers", "est", "ing", "ings", "ies", "ied", "ion", "ions",
    "al", "ally", "ly", "ity", "ities", "ive", "ment", "ments", "ness", "ism", "ist", "ists",
    "ise", "ize", "ised", "ized", "able", "ible", "ic", "ical", "ence", "ance", "ent", "ant",
    "ful", "ous", "ation", "ations",
];

/// The same for Russian: the prefix itself and the noun, adjective and verb endings the
/// Snowball stemmer removes.
const RU_ENDINGS: &[&str] = &[
    "", "а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "й", "ой", "ей", "ом", "ем", "ам", "ям",
    "ами", "ями", "ах", "ях", "ов", "ев", "ия", "ии", "ий", "ие", "ью", "ый", "ая", "ое", "ые",
    "ого", "ему", "ому", "ых", "ым", "ыми", "ими", "ть", "л", "ла", "ли", "ет", "ют", "ит", "ат",
    "ся", "ость", "ости", "ение", "ения", "ание", "ания",
];

fn keyword(leaf: &Leaf, field: KeywordField) -> Result<Node, String> {
    let (text, prefix) = match &leaf.value {
        LeafValue::Term(t) | LeafValue::Phrase { text: t, .. } => (t.as_str(), false),
        LeafValue::Prefix(p) => (p.as_str(), true),
    };
    let vocabulary = |all: Vec<&'static str>, parsed: Option<&'static str>| {
        if prefix {
            let wanted = text.to_lowercase();
            let values: Vec<String> = all
                .iter()
                .filter(|v| v.starts_with(&wanted))
                .map(|v| v.to_string())
                .collect();
            if values.is_empty() {
                return Err(format!(
                    "no {} starts with `{text}` (expected one of: {})",
                    leaf.field.as_str(),
                    all.join(", ")
                ));
            }
            Ok(KeywordMatch::OneOf(values))
        } else {
            parsed
                .map(|v| KeywordMatch::OneOf(vec![v.to_string()]))
                .ok_or_else(|| {
                    format!(
                        "unknown {} `{text}` (expected one of: {})",
                        leaf.field.as_str(),
                        all.join(", ")
                    )
                })
        }
    };
    let matcher = match field {
        KeywordField::Kind => vocabulary(
            Kind::ALL.iter().map(|k| k.as_str()).collect(),
            text.parse::<Kind>().ok().map(Kind::as_str),
        )?,
        KeywordField::Lang => vocabulary(
            Lang::ALL.iter().map(|l| l.as_str()).collect(),
            text.parse::<Lang>().ok().map(Lang::as_str),
        )?,
        KeywordField::Speaker | KeywordField::Source | KeywordField::Tag => {
            KeywordMatch::Words(NamePattern::new(text, prefix).ok_or_else(|| {
                format!(
                    "`{}:` needs a value with letters or digits",
                    leaf.field.as_str()
                )
            })?)
        }
    };
    Ok(Node::Keyword(KeywordLeaf {
        field,
        matcher,
        text: text.to_string(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;

    fn plan(query: &str) -> Plan {
        Plan::new(&parse(query).unwrap(), &mut Analyzer::default()).unwrap()
    }

    fn text_leaf(query: &str) -> TextLeaf {
        match plan(query).root {
            Node::Text(leaf) => leaf,
            other => panic!("not a text leaf: {other:?}"),
        }
    }

    fn error(query: &str) -> (usize, String) {
        match Plan::new(&parse(query).unwrap(), &mut Analyzer::default()) {
            Err(QueryError::Syntax { position, message }) => (position, message),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn single_leaves_are_told_apart_from_everything_else() {
        for (query, kind) in [
            ("sanctions", Some(LeafKind::Words)),
            ("санкции", Some(LeafKind::Words)),
            ("title:korea", Some(LeafKind::Words)),
            ("\"North Korea\"", Some(LeafKind::ExactPhrase)),
            ("threat*", Some(LeafKind::Prefix)),
            ("\"sanctions useless\"~5", None),
            ("korea sanctions", None),
            ("korea OR sanctions", None),
            ("NOT korea", None),
            ("speaker:putin", None),
        ] {
            assert_eq!(plan(query).single_leaf(), kind, "{query}");
        }
    }

    #[test]
    fn an_english_term_is_stemmed_per_language() {
        let leaf = text_leaf("Sanctions");
        assert_eq!(leaf.en, Pattern::Term("sanction".into()));
        // The Russian stemmer leaves a Latin word alone (only lowercased).
        assert_eq!(leaf.ru, Pattern::Term("sanctions".into()));
        assert_eq!(leaf.scope, Scope::TextAndTitle);
        assert!(leaf.positive);
    }

    #[test]
    fn a_russian_term_finds_other_case_forms() {
        let mut analyzer = Analyzer::default();
        let leaf = text_leaf("санкциям");
        assert_eq!(
            leaf.ru,
            Pattern::Term(analyzer.stems(Lang::Ru, "санкции").remove(0))
        );
    }

    #[test]
    fn phrases_keep_offsets_and_slop() {
        let leaf = text_leaf("\"Sanctions are useless\"~3");
        assert_eq!(
            leaf.en,
            Pattern::Phrase {
                terms: vec![
                    (0, "sanction".into()),
                    (1, "are".into()),
                    (2, "useless".into())
                ],
                slop: 3
            }
        );
    }

    #[test]
    fn a_split_word_is_a_phrase_and_a_one_word_phrase_a_term() {
        assert!(matches!(
            text_leaf("six-party").en,
            Pattern::Phrase { slop: 0, ref terms } if terms.len() == 2
        ));
        assert_eq!(text_leaf("\"Korea\"~4").en, Pattern::Term("korea".into()));
    }

    #[test]
    fn prefixes_are_lowercased_and_their_cut_stems_kept_whole() {
        let prefix = |query: &str, lang: Lang| {
            let leaf = text_leaf(query);
            match leaf.pattern(lang).clone() {
                Pattern::Prefix { prefixes, stems } => (prefixes, stems),
                other => panic!("{query}: {other:?}"),
            }
        };
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // Stems cut inside the prefix are searched whole, beside the prefix.
        assert_eq!(
            prefix("securit*", Lang::En),
            (strings(&["securit"]), strings(&["secur"]))
        );
        assert_eq!(
            prefix("plann*", Lang::En),
            (strings(&["plann"]), strings(&["plan"]))
        );
        assert_eq!(
            prefix("Sanctions*", Lang::En),
            (strings(&["sanctions"]), strings(&["sanction"]))
        );
        let (_, happy) = prefix("happy*", Lang::En);
        assert!(happy.contains(&"happi".to_string()), "{happy:?}");
        let (prefixes, stems) = prefix("санкции*", Lang::Ru);
        assert_eq!(prefixes, strings(&["санкции"]));
        assert!(stems.contains(&"санкц".to_string()), "{stems:?}");
        // A prefix no stem is cut inside stays alone; `ё` folds to `е`.
        assert_eq!(prefix("threat*", Lang::En), (strings(&["threat"]), vec![]));
        assert_eq!(prefix("sanc*", Lang::En), (strings(&["sanc"]), vec![]));
        assert_eq!(prefix("Ёлк*", Lang::Ru).0, strings(&["елк"]));
        // Stems shorter than three letters are not searched.
        let (_, short) = prefix("ab*", Lang::En);
        assert!(short.iter().all(|s| s.chars().count() >= 3), "{short:?}");
    }

    #[test]
    fn fields_set_the_scope_and_polarity_follows_not() {
        let plan = plan("title:korea -text:nuclear NOT NOT peace");
        let mut seen = Vec::new();
        plan.for_each_text_leaf(&mut |l| seen.push((l.id, l.scope, l.positive)));
        assert_eq!(
            seen,
            [
                (0, Scope::Title, true),
                (1, Scope::Text, false),
                (2, Scope::TextAndTitle, true)
            ]
        );
        assert_eq!(plan.text_leaves, 3);
        assert!(plan.has_positive_text());
        assert!(!self::plan("-korea").has_positive_text());
        assert!(!self::plan("title:korea speaker:putin").has_positive_body_text());
        assert!(!self::plan("title:korea -sanctions").has_positive_body_text());
        assert!(self::plan("text:sanctions title:korea").has_positive_body_text());
        assert!(self::plan("title:korea sanctions").has_positive_body_text());
    }

    #[test]
    fn keyword_fields_resolve_values() {
        let Node::Keyword(kind) = plan("kind:\"press conference\"").root else {
            panic!()
        };
        assert_eq!(
            kind.matcher,
            KeywordMatch::OneOf(vec!["press_conference".into()])
        );
        let Node::Keyword(kind) = plan("kind:s*").root else {
            panic!()
        };
        assert_eq!(
            kind.matcher,
            KeywordMatch::OneOf(vec!["speech".into(), "statement".into()])
        );
        let Node::Keyword(speaker) = plan("speaker:putin").root else {
            panic!()
        };
        assert!(speaker.matcher.matches("Vladimir Putin"));
        assert!(!speaker.matcher.matches("Sergey Lavrov"));
    }

    #[test]
    fn speaker_names_of_registry_people_match_their_other_names() {
        let registry = Arc::new(
            SpeakerRegistry::from_toml(
                std::path::Path::new("mine.toml"),
                "[[person]]\nname = \"Boris Kimov\"\naliases = [\"Boris Kim\", \"Борис Ким\"]\nrole = \"minister\"\ncountry = \"RU\"\n",
                None,
            )
            .unwrap(),
        );
        let keyword = |plan: &Plan| -> KeywordMatch {
            let Node::And(children) = &plan.root else {
                panic!("{plan:?}")
            };
            children
                .iter()
                .find_map(|c| match c {
                    Node::Keyword(leaf) => Some(leaf.matcher.clone()),
                    Node::Not(inner) => match inner.as_ref() {
                        Node::Keyword(leaf) => Some(leaf.matcher.clone()),
                        _ => None,
                    },
                    _ => None,
                })
                .unwrap()
        };
        for query in [
            "korea speaker:\"Boris Kimov\"",
            "korea NOT speaker:\"борис ким\"",
        ] {
            let written = plan(query);
            assert!(!keyword(&written).matches("Boris Kim"), "{query}");
            let resolved = written.with_speakers(|| Arc::clone(&registry)).unwrap();
            let matcher = keyword(&resolved);
            assert!(matcher.matches("Boris Kim"), "{query}");
            assert!(matcher.matches("БОРИС КИМ"), "{query}");
            assert!(!matcher.matches("Anna Lee"), "{query}");
        }
        // A name that is no person, and a plan without `speaker:`, stay as they are; the
        // registry is not asked for in the second case.
        assert!(
            plan("korea speaker:anna")
                .with_speakers(|| Arc::clone(&registry))
                .is_none()
        );
        assert!(
            plan("korea source:kim")
                .with_speakers(|| panic!("asked"))
                .is_none()
        );
    }

    #[test]
    fn unsearchable_values_are_errors_at_their_column() {
        assert_eq!(
            error("korea —"),
            (7, "`—` has no letters or digits to search".into())
        );
        assert_eq!(
            error("a \"--\""),
            (3, "the phrase has no word to search".into())
        );
        assert_eq!(
            error("kind:podcast").1,
            "unknown kind `podcast` (expected one of: speech, transcript, press_conference, interview, article, statement, briefing, news)"
        );
        assert_eq!(error("x lang:x*").0, 8);
        assert!(error("u.s*").1.starts_with("a prefix must be one word"));
        assert!(error("speaker:\"-\"").1.contains("needs a value"));
    }
}
