//! A validated theme set: the theme file with defaults applied and every pattern checked.
//!
//! Contract: a [`ThemeSet`] only exists when the whole file is valid: ids are unique and
//! well-formed, every theme has patterns, every phrase parses and stems to tokens, every
//! regex compiles (and cannot match the empty string), every distance is within limits.
//! Table-level `scope`, `not_after`, `negators`, `unless` and `with` are resolved into each
//! [`Pattern`], so the matcher never looks at defaults. All problems are reported together.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use regex::{Regex, RegexBuilder};
use toml::Spanned;

use super::file::{CountMode, Examples, LangSpec, PatternSpec, Scope, ThemeFile};
use super::pattern::{Phrase, parse_phrase};
use super::{Problem, ThemeError, import};
use crate::document::Lang;
use crate::text::Analyzer;
use crate::text::toml_error::toml_error_place;

/// The largest `within` of a `near` pattern.
pub const MAX_WITHIN: usize = 100;
/// Paragraphs a turn-scoped phrase carries back by default (`carry`).
pub const DEFAULT_CARRY: usize = 5;
/// The largest `carry`.
pub const MAX_CARRY: usize = 50;
/// The largest `not_after` distance.
pub const MAX_NOT_AFTER: usize = 10;
/// The largest compiled program of one theme regex, in bytes (the regex crate's own limit is
/// 10 MB). `\bsanction\w{0,3}\s+(\w+\s+){0,2}talk` compiles to 0.25 MB; each Unicode class
/// such as `\w` adds about 50 KB, and compiling takes time in proportion, so a file of long
/// wildcard runs (an imported dictionary's `??????????`) would take seconds to load.
pub const MAX_REGEX_BYTES: usize = 2 << 20;

/// A theme regex compiled (case-insensitive, at most [`MAX_REGEX_BYTES`]), or why it is
/// refused.
fn compile_regex(re: &str) -> Result<Regex, String> {
    // TOML and YAML double-quoted strings read `\b` and `\f` as control characters that no
    // indexed text holds, so such a regex would load and never match.
    if let Some((name, escape, code)) = re.chars().find_map(|c| match c {
        '\u{8}' => Some(("backspace", "\\b", 8)),
        '\u{c}' => Some(("form feed", "\\f", 12)),
        _ => None,
    }) {
        return Err(format!(
            "the regex holds a {name} (U+{code:04X}), which no text holds: a double-quoted \
             string reads `{escape}` as that character; write the regex in single quotes \
             ('{escape}...') or double the backslash"
        ));
    }
    match RegexBuilder::new(re)
        .case_insensitive(true)
        .size_limit(MAX_REGEX_BYTES)
        .build()
    {
        Ok(compiled) if compiled.is_match("") || can_match_nothing(re) => Err(
            "the regex can match an empty stretch of text (a match must hold a \
                 character: `\\b` alone or an optional whole are empty)"
                .into(),
        ),
        Ok(compiled) => Ok(compiled),
        Err(regex::Error::CompiledTooBig(_)) => Err(format!(
            "the regex compiles to more than {} MB (each Unicode class such as `\\w` adds \
             about 50 KB: `(?-u:\\w)`, a shorter repeat or a phrase is smaller)",
            MAX_REGEX_BYTES >> 20
        )),
        Err(e) => Err(format!("invalid regex: {e}")),
    }
}

/// Whether `re` (which compiles) has a match of length zero somewhere (`\b`, `(?:x)?\b`):
/// such a match would count, and show as evidence, with no word.
fn can_match_nothing(re: &str) -> bool {
    regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build()
        .parse(re)
        .is_ok_and(|hir| hir.properties().minimum_len() == Some(0))
}

/// Negators used when the file does not list its own.
pub fn default_negators(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &[
            "not", "n't", "never", "no", "cannot", "nor", "neither", "without",
        ],
        Lang::Ru => &["не", "нет", "ни", "никогда", "без", "нельзя"],
    }
}

/// A validated, defaults-resolved theme set.
#[derive(Debug, Clone)]
pub struct ThemeSet {
    /// The file it was loaded from.
    pub path: PathBuf,
    /// Name of the set.
    pub name: String,
    /// Version of the set.
    pub version: String,
    /// What the set is for.
    pub description: String,
    /// The model file as the theme file names it (`model = "..."`), if any.
    pub model: Option<String>,
    /// BLAKE3 of the file's theme ids and languages (`id:lang` lines in file order), kept
    /// from loading (a set narrowed by [`ThemeSet::retain`] keeps its file's): a model file
    /// records it to show which theme file it was trained for.
    pub signature: String,
    /// BLAKE3 (lowercase hex) of the bytes [`ThemeSet::load`] read, so that a manifest names
    /// the file as it was counted with, even if it changes meanwhile (`None` for a set made
    /// from text or a parsed file).
    pub source_hash: Option<String>,
    /// The themes, in file order.
    pub themes: Vec<Theme>,
}

/// One validated theme.
#[derive(Debug, Clone)]
pub struct Theme {
    /// Identifier.
    pub id: String,
    /// Human label (the id when the file gives none).
    pub label: String,
    /// Description.
    pub description: String,
    /// 1-based line of its `[[theme]]`, when known.
    pub line: Option<usize>,
    /// Its language tables (at most one per language).
    pub langs: Vec<ThemeLang>,
}

impl Theme {
    /// The table of `lang`, if the theme has one.
    pub fn lang(&self, lang: Lang) -> Option<&ThemeLang> {
        self.langs.iter().find(|l| l.lang == lang)
    }
}

/// The patterns and examples of one theme in one language.
#[derive(Debug, Clone)]
pub struct ThemeLang {
    /// The language.
    pub lang: Lang,
    /// When a paragraph counts: rules, model or either.
    pub count: CountMode,
    /// The patterns, in file order (at least one).
    pub patterns: Vec<Pattern>,
    /// Must-match and must-not-match sentences.
    pub examples: Examples,
}

/// A validated pattern with its exclusions resolved.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// How the pattern is reported in evidence (`rule` column).
    pub rule: String,
    /// What it matches.
    pub kind: PatternKind,
    /// Where `near` pairs and `unless`/`with` phrases are looked for.
    pub scope: Scope,
    /// With [`Scope::Turn`]: paragraphs back that a phrase carries.
    pub carry: usize,
    /// Negators within this many tokens before the match cancel it (0: off).
    pub not_after: usize,
    /// The negators.
    pub negators: Arc<Negators>,
    /// Phrases that cancel the match when found in its scope.
    pub unless: Vec<Phrase>,
    /// Phrases of which one must be found in its scope (empty: no requirement).
    pub with: Vec<Phrase>,
    /// 1-based line of the pattern, when known.
    pub line: Option<usize>,
}

/// What a pattern matches.
#[derive(Debug, Clone)]
pub enum PatternKind {
    /// A token sequence (with alternatives).
    Phrase(Phrase),
    /// A regular expression on the raw paragraph text, compiled (case-insensitive) when the
    /// file was loaded; its source is [`regex::Regex::as_str`].
    Regex(regex::Regex),
    /// A phrase near another phrase.
    Near {
        /// The anchor phrase (the match is reported from it).
        a: Phrase,
        /// The other phrase.
        b: Phrase,
        /// At most this many tokens between them (`None`: anywhere in the scope).
        within: Option<usize>,
        /// Whether B must follow A.
        ordered: bool,
    },
}

/// Negator words of one language table, analyzed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negators {
    /// Stems of the one-word negators.
    pub stems: Vec<String>,
    /// Whether the contraction `n't` (`don't`, `can’t`) counts as a negator.
    pub contraction: bool,
}

impl ThemeSet {
    /// Loads a theme set, choosing the reader by extension: `.toml` theme file,
    /// `.yml`/`.yaml` quanteda dictionary, `.dic` LIWC dictionary.
    pub fn load(path: &Path) -> Result<ThemeSet, ThemeError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        // The reader is chosen before the file is read: an unknown extension is an error
        // whatever the file holds.
        let parse: fn(&Path, &str) -> Result<ThemeSet, ThemeError> = match ext.as_deref() {
            Some("toml") => ThemeSet::from_toml,
            Some("yml" | "yaml") => |path, text| {
                let file = import::quanteda(path, text, Lang::ALL)?;
                ThemeSet::from_file(path, file.file, None)
            },
            Some("dic") => |path, text| {
                let file = import::liwc(path, text, Lang::ALL)?;
                ThemeSet::from_file(path, file.file, None)
            },
            _ => {
                return Err(ThemeError::UnknownFormat {
                    path: path.to_path_buf(),
                });
            }
        };
        let text = std::fs::read_to_string(path).map_err(|source| ThemeError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut set = parse(path, &text)?;
        set.source_hash = Some(blake3::hash(text.as_bytes()).to_hex().to_string());
        Ok(set)
    }

    /// Parses and validates TOML `text` read from `path`.
    pub fn from_toml(path: &Path, text: &str) -> Result<ThemeSet, ThemeError> {
        let file: ThemeFile = toml::from_str(text).map_err(|e| {
            let (line, reason) = toml_error_place(text, &e);
            ThemeError::one(Problem {
                path: path.to_path_buf(),
                line,
                theme: None,
                lang: None,
                pattern: None,
                reason,
            })
        })?;
        ThemeSet::from_file(path, file, Some(text))
    }

    /// Validates a parsed theme file; `source` is its text, for line numbers.
    pub fn from_file(
        path: &Path,
        file: ThemeFile,
        source: Option<&str>,
    ) -> Result<ThemeSet, ThemeError> {
        let mut v = Validator {
            path,
            newlines: source
                .map(|text| memchr::memchr_iter(b'\n', text.as_bytes()).collect())
                .unwrap_or_default(),
            source,
            analyzer: Analyzer::default(),
            problems: Vec::new(),
            lists: Default::default(),
            regexes: HashMap::new(),
        };
        let set = v.set(file);
        if v.problems.is_empty() {
            Ok(set)
        } else {
            Err(ThemeError::Invalid {
                path: path.to_path_buf(),
                problems: v.problems,
            })
        }
    }

    /// The hash of the file's theme ids and languages ([`ThemeSet::signature`]).
    pub fn signature_hash(&self) -> String {
        self.signature.clone()
    }

    /// Where the model file is: its name resolved against the theme file's folder.
    pub fn model_path(&self) -> Option<PathBuf> {
        let name = self.model.as_deref()?;
        let dir = self.path.parent().unwrap_or(Path::new(""));
        Some(dir.join(name))
    }

    /// Whether some theme counts by its model (`count = "model"` or `"either"`).
    pub fn uses_model(&self) -> bool {
        self.themes
            .iter()
            .flat_map(|t| &t.langs)
            .any(|l| l.count.uses_model())
    }

    /// The theme with this id.
    pub fn theme(&self, id: &str) -> Option<&Theme> {
        self.themes.iter().find(|t| t.id == id)
    }

    /// Keeps only the themes listed in `ids` (in file order); an unknown id is an error.
    pub fn retain(&mut self, ids: &[String]) -> Result<(), ThemeError> {
        if let Some(missing) = ids.iter().find(|id| self.theme(id).is_none()) {
            return Err(self.unknown_theme(missing));
        }
        self.themes.retain(|t| ids.contains(&t.id));
        Ok(())
    }

    /// The error for an id this set does not define.
    pub fn unknown_theme(&self, id: &str) -> ThemeError {
        ThemeError::UnknownTheme {
            theme: id.to_string(),
            set: self.name.clone(),
            available: self.id_list(),
        }
    }

    /// The theme ids, in the file's order, separated by commas (for messages).
    pub fn id_list(&self) -> String {
        let ids: Vec<&str> = self.themes.iter().map(|t| t.id.as_str()).collect();
        ids.join(", ")
    }
}

struct Validator<'a> {
    path: &'a Path,
    source: Option<&'a str>,
    /// Byte offsets of the source's line breaks (a line number is a binary search: the
    /// validator asks for one per value, and counting from the start each time was
    /// quadratic in the file's length).
    newlines: Vec<usize>,
    analyzer: Analyzer,
    problems: Vec<Problem>,
    /// Named lists of the language being validated: name -> alternatives.
    lists: [HashMap<String, Vec<String>>; 2],
    /// Each regex source compiled so far, or why it was refused: a regex written in several
    /// places (an imported dictionary puts every value in each language) is compiled once.
    regexes: HashMap<String, Result<Regex, String>>,
}

/// Where a problem is: theme, language and line.
#[derive(Clone, Copy)]
struct At<'a> {
    theme: Option<&'a str>,
    lang: Option<Lang>,
    line: Option<usize>,
}

impl Validator<'_> {
    fn line<T>(&self, spanned: &Spanned<T>) -> Option<usize> {
        let span = spanned.span();
        // Values built in memory (importers) carry an empty 0..0 span.
        self.source
            .filter(|_| span != (0..0))
            .map(|_| self.newlines.partition_point(|&at| at < span.start) + 1)
    }

    fn problem(&mut self, at: At<'_>, pattern: Option<&str>, reason: impl Into<String>) {
        self.problems.push(Problem {
            path: self.path.to_path_buf(),
            line: at.line,
            theme: at.theme.map(str::to_string),
            lang: at.lang.map(|l| l.as_str().to_string()),
            pattern: pattern.map(str::to_string),
            reason: reason.into(),
        });
    }

    fn set(&mut self, file: ThemeFile) -> ThemeSet {
        let nowhere = At {
            theme: None,
            lang: None,
            line: None,
        };
        if file.name.get_ref().trim().is_empty() {
            let at = At {
                line: self.line(&file.name),
                ..nowhere
            };
            self.problem(at, None, "`name` is empty");
        }
        let mut negators = Vec::new();
        for lang in [Lang::En, Lang::Ru] {
            let listed = match lang {
                Lang::En => file.negators.en.as_ref(),
                Lang::Ru => file.negators.ru.as_ref(),
            };
            let at = At {
                theme: None,
                lang: Some(lang),
                line: None,
            };
            negators.push(self.negators(at, lang, listed));
        }
        for (slot, lang, lists) in [(0, Lang::En, &file.lists.en), (1, Lang::Ru, &file.lists.ru)] {
            for (name, items) in lists {
                let at = At {
                    theme: None,
                    lang: Some(lang),
                    line: self.line(items),
                };
                let valid_name =
                    !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
                if !valid_name {
                    self.problem(
                        at,
                        None,
                        format!("list name `{name}`: use letters, digits and `_`"),
                    );
                }
                if items.get_ref().is_empty() {
                    self.problem(at, None, format!("list `{name}` is empty"));
                }
                for item in items.get_ref() {
                    if item.contains('@') || item.trim().is_empty() {
                        self.problem(
                            at,
                            Some(item),
                            format!("list `{name}`: items are non-empty phrases without `@`"),
                        );
                    } else if let Err(reason) = parse_phrase(item, lang, &mut self.analyzer) {
                        self.problem(at, Some(item), format!("list `{name}`: {reason}"));
                    }
                }
                self.lists[slot].insert(name.clone(), items.get_ref().clone());
            }
        }
        if file.themes.is_empty() {
            // A problem of the whole file is reported at its first line.
            let at = At {
                line: self.source.map(|_| 1),
                ..nowhere
            };
            self.problem(at, None, "the file defines no `[[theme]]`");
        }
        if let Some(model) = &file.model {
            let name = model.get_ref();
            if name.trim().is_empty() || !name.ends_with(".json") {
                let at = At {
                    line: self.line(model),
                    ..nowhere
                };
                self.problem(
                    at,
                    None,
                    format!("model = \"{name}\": name a .json file written by `themes train`"),
                );
            }
        }
        let mut seen = HashSet::new();
        let mut themes = Vec::new();
        for spec in &file.themes {
            let line = self.line(spec);
            let spec = spec.get_ref();
            let id = spec.id.get_ref().as_str();
            let at = At {
                theme: Some(id),
                lang: None,
                line: self.line(&spec.id).or(line),
            };
            if id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
            {
                self.problem(
                    at,
                    None,
                    "an id is made of letters, digits, `_`, `-` and `.`",
                );
            }
            if !seen.insert(id.to_string()) {
                self.problem(at, None, "duplicate theme id");
            }
            let mut langs = Vec::new();
            for (lang, table) in [(Lang::En, &spec.en), (Lang::Ru, &spec.ru)] {
                let Some(table) = table else { continue };
                let at = At {
                    lang: Some(lang),
                    line: self.line(table).or(at.line),
                    ..at
                };
                let base = &negators[if lang == Lang::En { 0 } else { 1 }];
                let mut table_spec = self.lang_table(at, lang, table.get_ref(), base);
                table_spec.count = table.get_ref().count.or(spec.count).unwrap_or_default();
                if table_spec.count.uses_model() && file.model.is_none() {
                    self.problem(
                        at,
                        None,
                        format!(
                            "count = \"{}\" needs a learned model: add `model = \"FILE.model.json\"` at the top of the file (written by `themes train`)",
                            table_spec.count.as_str()
                        ),
                    );
                }
                langs.push(table_spec);
            }
            if langs.is_empty() {
                self.problem(
                    at,
                    None,
                    "no pattern: add a `[theme.en]` or `[theme.ru]` table",
                );
            }
            themes.push(Theme {
                id: id.to_string(),
                label: if spec.label.trim().is_empty() {
                    id.to_string()
                } else {
                    spec.label.clone()
                },
                description: spec.description.clone(),
                line,
                langs,
            });
        }
        ThemeSet {
            path: self.path.to_path_buf(),
            name: file.name.into_inner(),
            version: file.version,
            description: file.description,
            model: file.model.map(|m| m.into_inner()),
            signature: {
                let mut hasher = blake3::Hasher::new();
                for theme in &themes {
                    for table in &theme.langs {
                        hasher.update(format!("{}:{}\n", theme.id, table.lang).as_bytes());
                    }
                }
                hasher.finalize().to_hex().to_string()
            },
            source_hash: None,
            themes,
        }
    }

    fn negators(&mut self, at: At<'_>, lang: Lang, listed: Option<&Vec<String>>) -> Arc<Negators> {
        let words: Vec<String> = match listed {
            Some(words) => words.clone(),
            None => default_negators(lang)
                .iter()
                .map(|w| w.to_string())
                .collect(),
        };
        let mut out = Negators {
            stems: Vec::new(),
            contraction: false,
        };
        for word in &words {
            if matches!(word.trim(), "n't" | "n’t") {
                out.contraction = true;
                continue;
            }
            match self.analyzer.stems(lang, word).as_slice() {
                [stem] => out.stems.push(stem.clone()),
                _ => self.problem(at, None, format!("negator `{word}` is not one word")),
            }
        }
        Arc::new(out)
    }

    fn lang_table(
        &mut self,
        at: At<'_>,
        lang: Lang,
        table: &LangSpec,
        file_negators: &Arc<Negators>,
    ) -> ThemeLang {
        let negators = match &table.negators {
            Some(words) => self.negators(at, lang, Some(words)),
            None => Arc::clone(file_negators),
        };
        let not_after = table.not_after.unwrap_or(0);
        if not_after > MAX_NOT_AFTER {
            self.problem(
                at,
                None,
                format!("not_after = {not_after} is too far (at most {MAX_NOT_AFTER} tokens)"),
            );
        }
        let mut unless = Vec::new();
        let mut with = Vec::new();
        for (what, list, out) in [
            ("unless", &table.unless, &mut unless),
            ("with", &table.with, &mut with),
        ] {
            for phrase in list {
                let at = At {
                    line: self.line(phrase).or(at.line),
                    ..at
                };
                if let Some(p) = self.phrase(at, lang, phrase.get_ref(), what) {
                    out.push(p);
                }
            }
        }
        if table.patterns.is_empty() {
            self.problem(at, None, "no pattern in this table");
        }
        let mut patterns = Vec::new();
        for spec in &table.patterns {
            let at = At {
                line: self.line(spec).or(at.line),
                ..at
            };
            let defaults = Defaults {
                scope: table.scope.unwrap_or_default(),
                carry: table.carry,
                not_after,
                negators: &negators,
                unless: &unless,
                with: &with,
            };
            if let Some(p) = self.pattern(at, lang, &spec.get_ref().0, defaults) {
                patterns.push(p);
            }
        }
        for example in table
            .examples
            .must_match
            .iter()
            .chain(&table.examples.no_match)
        {
            if example.trim().is_empty() {
                self.problem(at, None, "empty example sentence");
            }
        }
        ThemeLang {
            lang,
            count: CountMode::Rules,
            patterns,
            examples: table.examples.clone(),
        }
    }

    /// Replaces `@name` alternatives by the items of that list.
    fn expand_lists(&self, lang: Lang, text: &str) -> Result<String, String> {
        if !text.contains('@') {
            return Ok(text.to_string());
        }
        let lists = &self.lists[if lang == Lang::En { 0 } else { 1 }];
        let mut out = Vec::new();
        for alternative in text.split('|').map(str::trim) {
            match alternative.strip_prefix('@') {
                Some(name) if !name.contains(char::is_whitespace) && !name.contains('@') => {
                    let items = lists.get(name).ok_or_else(|| {
                        let mut known: Vec<&str> = lists.keys().map(String::as_str).collect();
                        known.sort_unstable();
                        format!(
                            "unknown list `@{name}` (lists for {lang}: {})",
                            if known.is_empty() {
                                "none".to_string()
                            } else {
                                known.join(", ")
                            }
                        )
                    })?;
                    out.extend(items.iter().cloned());
                }
                _ if alternative.contains('@') => {
                    return Err(format!(
                        "`{alternative}`: a list reference `@name` stands alone between `|`"
                    ));
                }
                _ => out.push(alternative.to_string()),
            }
        }
        Ok(out.join(" | "))
    }

    fn phrase(&mut self, at: At<'_>, lang: Lang, text: &str, what: &str) -> Option<Phrase> {
        let parsed = self
            .expand_lists(lang, text)
            .and_then(|expanded| parse_phrase(&expanded, lang, &mut self.analyzer));
        match parsed.map(|p| Phrase {
            text: text.to_string(),
            ..p
        }) {
            Ok(p) => Some(p),
            Err(reason) => {
                self.problem(at, Some(text), format!("{what}: {reason}"));
                None
            }
        }
    }

    fn pattern(
        &mut self,
        at: At<'_>,
        lang: Lang,
        spec: &PatternSpec,
        defaults: Defaults<'_>,
    ) -> Option<Pattern> {
        let written = spec
            .phrase
            .as_deref()
            .or(spec.regex.as_deref())
            .map(str::to_string)
            .or_else(|| spec.near.as_ref().map(|n| n.join(" ; ")))
            .unwrap_or_default();
        let kinds = [
            spec.phrase.is_some(),
            spec.regex.is_some(),
            spec.near.is_some(),
        ];
        if kinds.iter().filter(|&&k| k).count() != 1 {
            self.problem(
                at,
                Some(&written),
                "a pattern has exactly one of `phrase`, `regex`, `near`",
            );
            return None;
        }
        if spec.near.is_none() && (spec.within.is_some() || spec.ordered.is_some()) {
            self.problem(
                at,
                Some(&written),
                "`within` and `ordered` only apply to `near`",
            );
        }
        let scope = spec.scope.unwrap_or(defaults.scope);
        let carry = spec.carry.or(defaults.carry);
        if carry.is_some() && scope != Scope::Turn {
            self.problem(
                at,
                Some(&written),
                "`carry` only applies to `scope = \"turn\"`",
            );
        }
        let carry = carry.unwrap_or(DEFAULT_CARRY);
        if carry > MAX_CARRY {
            self.problem(
                at,
                Some(&written),
                format!("carry = {carry} is too far (at most {MAX_CARRY} paragraphs)"),
            );
        }
        let not_after = spec.not_after.unwrap_or(defaults.not_after);
        if not_after > MAX_NOT_AFTER {
            self.problem(
                at,
                Some(&written),
                format!("not_after = {not_after} is too far (at most {MAX_NOT_AFTER} tokens)"),
            );
        }
        let unless = match &spec.unless {
            None => defaults.unless.to_vec(),
            Some(list) => list
                .iter()
                .filter_map(|u| self.phrase(at, lang, u, "unless"))
                .collect(),
        };
        let with = match &spec.with {
            None => defaults.with.to_vec(),
            Some(list) => list
                .iter()
                .filter_map(|w| self.phrase(at, lang, w, "with"))
                .collect(),
        };
        let (rule, kind) = if let Some(text) = &spec.phrase {
            let phrase = self.phrase(at, lang, text, "phrase")?;
            (text.clone(), PatternKind::Phrase(phrase))
        } else if let Some(re) = &spec.regex {
            let compiled = match self.regexes.get(re.as_str()) {
                Some(known) => known.clone(),
                None => {
                    let compiled = compile_regex(re);
                    self.regexes.insert(re.clone(), compiled.clone());
                    compiled
                }
            };
            let compiled = match compiled {
                Ok(compiled) => compiled,
                Err(reason) => {
                    self.problem(at, Some(re), reason);
                    return None;
                }
            };
            (format!("/{re}/"), PatternKind::Regex(compiled))
        } else {
            let near = spec.near.as_deref().unwrap_or_default();
            let [a, b] = near else {
                self.problem(
                    at,
                    Some(&written),
                    "`near` takes exactly two phrases: near = [\"A\", \"B\"]",
                );
                return None;
            };
            if let Some(within) = spec.within
                && within > MAX_WITHIN
            {
                self.problem(
                    at,
                    Some(&written),
                    format!("within = {within} is too far (at most {MAX_WITHIN} tokens)"),
                );
            }
            let (pa, pb) = (
                self.phrase(at, lang, a, "near"),
                self.phrase(at, lang, b, "near"),
            );
            let ordered = spec.ordered.unwrap_or(false);
            let mut rule = format!("near({a}; {b}");
            if let Some(within) = spec.within {
                rule.push_str(&format!("; within {within}"));
            }
            if ordered {
                rule.push_str("; ordered");
            }
            rule.push(')');
            (
                rule,
                PatternKind::Near {
                    a: pa?,
                    b: pb?,
                    within: spec.within,
                    ordered,
                },
            )
        };
        Some(Pattern {
            rule,
            kind,
            scope,
            carry,
            not_after,
            negators: Arc::clone(defaults.negators),
            unless,
            with,
            line: at.line,
        })
    }
}

#[derive(Clone, Copy)]
struct Defaults<'a> {
    scope: Scope,
    carry: Option<usize>,
    not_after: usize,
    negators: &'a Arc<Negators>,
    unless: &'a [Phrase],
    with: &'a [Phrase],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_whose_matches_can_be_empty_are_refused() {
        for re in [r"\b", r"(?:sanctions)?\b", "x*", r"\s*"] {
            assert!(can_match_nothing(re), "{re}");
        }
        for re in [r"\bsanctions?\b", r"санкци\w*", r"(?:a|bc)+"] {
            assert!(!can_match_nothing(re), "{re}");
        }
    }

    fn load(text: &str) -> Result<ThemeSet, ThemeError> {
        ThemeSet::from_toml(Path::new("t.toml"), text)
    }

    fn problems(text: &str) -> Vec<String> {
        match load(text) {
            Ok(_) => panic!("expected problems"),
            Err(ThemeError::Invalid { problems, .. }) => {
                problems.iter().map(|p| p.to_string()).collect()
            }
            Err(other) => panic!("unexpected error {other}"),
        }
    }

    #[test]
    fn carry_needs_turn_scope_and_a_bound() {
        let base = "name = \"t\"\n[[theme]]\nid = \"a\"\n[theme.en]\n";
        let set = load(&format!(
            "{base}scope = \"turn\"\ncarry = 4\npatterns = [\"x\", {{ phrase = \"y\", carry = 0 }}]\n"
        ))
        .unwrap();
        let carries: Vec<usize> = set.themes[0].langs[0]
            .patterns
            .iter()
            .map(|p| p.carry)
            .collect();
        assert_eq!(carries, [4, 0]);
        let default = load(&format!("{base}scope = \"turn\"\npatterns = [\"x\"]\n")).unwrap();
        assert_eq!(default.themes[0].langs[0].patterns[0].carry, DEFAULT_CARRY);
        let wrong = problems(&format!("{base}carry = 1\npatterns = [\"x\"]\n"));
        assert!(
            wrong[0].contains("`carry` only applies to `scope = \"turn\"`"),
            "{wrong:?}"
        );
        let far = problems(&format!(
            "{base}scope = \"turn\"\ncarry = 99\npatterns = [\"x\"]\n"
        ));
        assert!(far[0].contains("carry = 99 is too far"), "{far:?}");
    }

    const GOOD: &str = r#"
name = "test"
version = "1"

[[theme]]
id = "futility"
label = "Sanctions are futile"

[theme.en]
not_after = 3
unless = ["lift sanctions"]
patterns = [
  "sanctions ~3 useless",
  { regex = '\bdead[- ]end\b', not_after = 0 },
  { near = ["sanctions", "futile | pointless"], within = 5, ordered = true, scope = "paragraph" },
]
examples.match = ["Sanctions are useless."]

[theme.ru]
patterns = ["санкции ~3 бесполезны"]
"#;

    #[test]
    fn a_good_file_resolves_defaults_into_patterns() {
        let set = load(GOOD).unwrap();
        assert_eq!(set.name, "test");
        let theme = set.theme("futility").unwrap();
        assert_eq!(theme.line, Some(5));
        let en = theme.lang(Lang::En).unwrap();
        assert_eq!(en.patterns.len(), 3);
        assert_eq!(en.patterns[0].rule, "sanctions ~3 useless");
        assert_eq!(en.patterns[0].not_after, 3);
        assert_eq!(en.patterns[0].unless.len(), 1);
        assert_eq!(en.patterns[0].line, Some(13));
        assert_eq!(en.patterns[1].rule, r"/\bdead[- ]end\b/");
        assert_eq!(en.patterns[1].not_after, 0);
        assert_eq!(
            en.patterns[2].rule,
            "near(sanctions; futile | pointless; within 5; ordered)"
        );
        assert_eq!(en.patterns[2].scope, Scope::Paragraph);
        assert!(en.patterns[0].negators.contraction);
        let ru = theme.lang(Lang::Ru).unwrap();
        assert_eq!(ru.patterns[0].not_after, 0);
        assert!(ru.patterns[0].negators.stems.contains(&"не".to_string()));
    }

    #[test]
    fn unknown_keys_are_rejected_with_their_line() {
        let text = GOOD.replace("ordered = true", "orderd = true");
        let found = problems(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("t.toml:15:"), "{found:?}");
        assert!(found[0].contains("orderd"), "{found:?}");
    }

    #[test]
    fn each_problem_names_file_line_theme_and_pattern() {
        let text = r#"
name = "t"

[[theme]]
id = "a"
[theme.en]
patterns = [
  "fine words",
  "~2 bad start",
  { regex = '(unclosed' },
  { regex = 'x*' },
  { near = ["only one"] },
  { phrase = "x", regex = "y" },
  { near = ["a", "b"], within = 500 },
  { phrase = "a", within = 3 },
]

[[theme]]
id = "a"
[theme.ru]
patterns = ["слово"]

[[theme]]
id = "empty"

[[theme]]
id = "bad id!"
[theme.en]
not_after = 99
patterns = []
"#;
        let found = problems(text);
        let expect = [
            "t.toml:9: theme `a` [en]: pattern `~2 bad start`: phrase: a phrase cannot start",
            "t.toml:10: theme `a` [en]: pattern `(unclosed`: invalid regex",
            "t.toml:11: theme `a` [en]: pattern `x*`: the regex can match an empty stretch",
            "t.toml:12: theme `a` [en]: pattern `only one`: `near` takes exactly two",
            "t.toml:13: theme `a` [en]: pattern `x`: a pattern has exactly one of",
            "t.toml:14: theme `a` [en]: pattern `a ; b`: within = 500 is too far",
            "t.toml:15: theme `a` [en]: pattern `a`: `within` and `ordered` only apply",
            "t.toml:19: theme `a`: duplicate theme id",
            "t.toml:24: theme `empty`: no pattern",
            "t.toml:27: theme `bad id!`: an id is made of",
            "t.toml:28: theme `bad id!` [en]: not_after = 99 is too far",
            "t.toml:28: theme `bad id!` [en]: no pattern in this table",
        ];
        for (want, got) in expect.iter().zip(&found) {
            assert!(got.starts_with(want), "want {want}\n got {got}");
        }
        assert_eq!(found.len(), expect.len(), "{found:#?}");
    }

    #[test]
    fn a_backslash_escape_read_by_a_double_quoted_string_is_a_problem() {
        let text = "name = \"t\"\n[[theme]]\nid = \"a\"\n[theme.en]\npatterns = [\n  { regex = '\\bdead end\\b' },\n  { regex = \"\\bdead end\" },\n  { regex = \"x\\fy\" },\n  { regex = \"\\\\bdead\" },\n]\n";
        let found = problems(text);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[0].starts_with("t.toml:7: theme `a` [en]: pattern ")
                && found[0].contains("holds a backspace (U+0008)")
                && found[0].contains("single quotes ('\\b...')"),
            "{}",
            found[0]
        );
        assert!(
            found[1].starts_with("t.toml:8: ") && found[1].contains("form feed (U+000C)"),
            "{}",
            found[1]
        );
    }

    #[test]
    fn a_regex_past_the_size_limit_is_a_problem_on_its_line() {
        // Ten Unicode word classes compile to about 0.5 MB, sixty to about 3 MB (under the
        // regex crate's own 10 MB).
        let text = format!(
            "name = \"t\"\n[[theme]]\nid = \"a\"\n[theme.en]\npatterns = [\n  \
             {{ regex = '\\b{}' }},\n  {{ regex = '\\b{}' }},\n]\n",
            r"\w".repeat(10),
            r"\w".repeat(60)
        );
        let found = problems(&text);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("t.toml:7: theme `a` [en]: pattern `\\b\\w\\w")
                && found[0].contains("compiles to more than 2 MB"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn a_regex_written_twice_is_judged_at_each_place() {
        let text = r#"name = "t"
[[theme]]
id = "a"
[theme.en]
patterns = [{ regex = '(unclosed' }, { regex = '\bsanction\w*' }]
[theme.ru]
patterns = [{ regex = '\bsanction\w*' }, { regex = '(unclosed' }]
"#;
        let found = problems(text);
        assert_eq!(found.len(), 2, "{found:#?}");
        for (problem, lang) in found.iter().zip(["en", "ru"]) {
            let line = if lang == "en" { 5 } else { 7 };
            let want =
                format!("t.toml:{line}: theme `a` [{lang}]: pattern `(unclosed`: invalid regex");
            assert!(problem.starts_with(&want), "{problem}");
        }
        let fine = text
            .replace("{ regex = '(unclosed' }, ", "")
            .replace(", { regex = '(unclosed' }", "");
        let set = load(&fine).unwrap();
        let regexes: Vec<&str> = set.themes[0]
            .langs
            .iter()
            .flat_map(|l| &l.patterns)
            .filter_map(|p| match &p.kind {
                PatternKind::Regex(re) => Some(re.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(regexes, [r"\bsanction\w*", r"\bsanction\w*"]);
    }

    #[test]
    fn lists_expand_where_they_stand_alone() {
        let text = r#"
name = "t"
[lists.en]
korea = ["north korea", "dprk | pyongyang"]
[[theme]]
id = "a"
[theme.en]
patterns = [
  { near = ["@korea", "talks | @korea"] },
  "talks with @korea",
  "@nope",
]
"#;
        let found = problems(text);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].contains("stands alone"), "{found:?}");
        assert!(
            found[1].contains("unknown list `@nope` (lists for en: korea)"),
            "{found:?}"
        );
        let ok = text.replace("  \"talks with @korea\",\n  \"@nope\",\n", "");
        let set = load(&ok).unwrap();
        let PatternKind::Near { a, b, .. } = &set.themes[0].langs[0].patterns[0].kind else {
            panic!("near expected");
        };
        assert_eq!(a.alternatives.len(), 3);
        assert_eq!(a.text, "@korea");
        assert_eq!(b.alternatives.len(), 4);
    }

    #[test]
    fn count_modes_resolve_per_language_and_need_a_model() {
        let text = "name = \"t\"\nmodel = \"t.model.json\"\n[[theme]]\nid = \"a\"\ncount = \"either\"\n[theme.en]\npatterns = [\"x\"]\n[theme.ru]\ncount = \"rules\"\npatterns = [\"у\"]\n[[theme]]\nid = \"b\"\n[theme.en]\ncount = \"model\"\npatterns = [\"y\"]\n[[theme]]\nid = \"c\"\n[theme.en]\npatterns = [\"z\"]\n";
        let set = load(text).unwrap();
        let modes: Vec<(&str, Lang, CountMode)> = set
            .themes
            .iter()
            .flat_map(|t| {
                t.langs
                    .iter()
                    .map(move |l| (t.id.as_str(), l.lang, l.count))
            })
            .collect();
        assert_eq!(
            modes,
            [
                ("a", Lang::En, CountMode::Either),
                ("a", Lang::Ru, CountMode::Rules),
                ("b", Lang::En, CountMode::Model),
                ("c", Lang::En, CountMode::Rules),
            ]
        );
        assert!(set.uses_model());
        assert_eq!(set.model_path(), Some(PathBuf::from("t.model.json")));
        let nested = ThemeSet::from_toml(Path::new("themes/t.toml"), text).unwrap();
        assert_eq!(
            nested.model_path(),
            Some(PathBuf::from("themes/t.model.json"))
        );
        // Without `model`, a mode that needs one is a problem at its table.
        let found = problems(&text.replace("model = \"t.model.json\"\n", ""));
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[0]
                .starts_with("t.toml:5: theme `a` [en]: count = \"either\" needs a learned model"),
            "{found:?}"
        );
        assert!(
            found[1].contains("theme `b` [en]: count = \"model\""),
            "{found:?}"
        );
        let bad = problems(&text.replace("t.model.json", "t.model"));
        assert!(
            bad[0].starts_with("t.toml:2: model = \"t.model\": name a .json file"),
            "{bad:?}"
        );
        let unknown = problems(&text.replace("\"either\"", "\"always\""));
        assert!(
            unknown[0].contains("unknown variant `always`"),
            "{unknown:?}"
        );
        // A file without modes counts by rules and needs no model.
        let plain = load(GOOD).unwrap();
        assert!(!plain.uses_model() && plain.model.is_none());
    }

    // Found by the fuzz target `theme_file` (tests/fuzz-corpus/theme_file/crash-no-theme-no-line):
    // these two problems of a TOML file named no line.
    #[test]
    fn whole_file_problems_name_a_line_too() {
        assert_eq!(
            problems("name = \"x\"\n"),
            ["t.toml:1: the file defines no `[[theme]]`"]
        );
        let named = problems(
            "version = \"1\"\n\nname = \" \"\n[[theme]]\nid = \"a\"\n[theme.en]\npatterns = [\"x\"]\n",
        );
        assert_eq!(named, ["t.toml:3: `name` is empty"]);
    }

    #[test]
    fn a_syntax_error_names_its_line() {
        let err = load("name = \"x\"\n[[theme]\n").unwrap_err().to_string();
        assert!(err.contains("t.toml:2:"), "{err}");
    }

    #[test]
    fn retain_refuses_unknown_ids() {
        let mut set = load(GOOD).unwrap();
        let err = set.retain(&["nope".into()]).unwrap_err().to_string();
        assert!(err.contains("futility"), "{err}");
        set.retain(&["futility".into()]).unwrap();
        assert_eq!(set.themes.len(), 1);
    }
}
