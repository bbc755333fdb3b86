//! One index counted once with one theme file under one filter, and the slices of those
//! counts that the outputs work on.

use std::borrow::Cow;
use std::path::PathBuf;

use polars::prelude::DataFrame;

use super::StudyError;
use crate::analysis::validation::{self, Validation};
use crate::analysis::{
    self, AnalysisError, ClusterUnit, FirstOccurrence, GroupBy, LowN, PeriodSpec, TrendRow,
    TrendsConfig,
};
use crate::export::{self, FileFingerprint, ManifestContext};
use crate::index::{DocFilter, IndexStore};
use crate::themes::builtin::{BUILTIN_MODEL_FILE, BUILTIN_MODEL_JSON};
use crate::themes::{
    CountOptions, DocThemeMatches, EvidenceRow, EvidenceSink, Matcher, Progress, QueryTerm,
    ThemeSet, count_into, count_with, source_text,
};

/// The fingerprint of the theme file `set` was loaded from, for manifests: of the bytes
/// loading read when it kept their hash, of the compiled-in text for the built-in default
/// set, else of the file as it is now.
pub fn theme_file_fingerprint(set: &ThemeSet) -> Result<FileFingerprint, StudyError> {
    if let Some(hash) = &set.source_hash {
        return Ok(export::hashed_fingerprint(&set.path, hash.clone()));
    }
    match source_text(&set.path) {
        Some(text) => Ok(export::bytes_fingerprint(&set.path, text.as_bytes())),
        None => export::file_fingerprint(&set.path).map_err(|source| StudyError::ThemeFile {
            path: set.path.clone(),
            source,
        }),
    }
}

/// The fingerprint of the model file `set` names (the compiled-in model for the built-in
/// set), for manifests: retraining changes the counts without touching the theme file.
pub fn model_file_fingerprint(set: &ThemeSet) -> Result<Option<FileFingerprint>, StudyError> {
    let Some(path) = set.model_path() else {
        return Ok(None);
    };
    if source_text(&set.path).is_some() && set.model.as_deref() == Some(BUILTIN_MODEL_FILE) {
        return Ok(Some(export::bytes_fingerprint(
            &path,
            BUILTIN_MODEL_JSON.as_bytes(),
        )));
    }
    export::file_fingerprint(&path)
        .map(Some)
        .map_err(|source| StudyError::ThemeFile { path, source })
}

/// The fingerprint of the model file `matcher` (compiled from `set`) counts with: the
/// hash of the bytes it compiled when it read one, else as [`model_file_fingerprint`] (a
/// set that names a model none of its themes counts by).
pub fn counted_model_fingerprint(
    set: &ThemeSet,
    matcher: &Matcher,
) -> Result<Option<FileFingerprint>, StudyError> {
    match matcher.model_source() {
        Some(source) => Ok(Some(export::hashed_fingerprint(
            &source.path,
            source.hash.clone(),
        ))),
        None => model_file_fingerprint(set),
    }
}

/// Confidence of every interval the study outputs report.
pub const CONFIDENCE: f64 = 0.95;

/// The theme matches of the selected documents, with the theme ids in file order.
pub struct Counted {
    /// Theme ids in theme-file order (themes without matches included), then the ids of
    /// the query terms counted beside them.
    pub theme_ids: Vec<String>,
    /// One entry per selected document, matched or not (the denominators need them all).
    pub docs: Vec<DocThemeMatches>,
    /// Evidence rows of every match (empty unless asked for).
    pub evidence: Vec<EvidenceRow>,
    /// The theme file, for manifests (`None` when only query terms were counted).
    pub themes_file: Option<FileFingerprint>,
    /// The theme file's model file, for manifests (`None` without one).
    pub model_file: Option<FileFingerprint>,
}

/// The counts of one index and theme file.
pub struct Study {
    /// The open index.
    pub store: IndexStore,
    /// Counts per document.
    pub counted: Counted,
}

/// The documents and themes one output works on (all themes, or a subset).
pub struct Selection<'a> {
    /// Documents with their matches (of the selected themes only).
    pub docs: Cow<'a, [DocThemeMatches]>,
    /// Theme ids in theme-file order.
    pub themes: Cow<'a, [String]>,
    /// Evidence rows of the selected themes (empty unless counted with evidence).
    pub evidence: Cow<'a, [EvidenceRow]>,
}

impl Study {
    /// Counts every theme of `set` in the documents of `store` that `filter` selects (with
    /// evidence rows when `evidence` is set), reporting to `progress` from worker threads.
    pub fn count(
        store: IndexStore,
        set: &ThemeSet,
        filter: &DocFilter,
        evidence: bool,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Study, StudyError> {
        Study::count_series(store, Some(set), &[], filter, evidence, progress)
    }

    /// Like [`Study::count`], for the themes of `set` (none without a set) and the query
    /// `terms`, each a series of its own after the themes (`trends --term`). Theme ids and
    /// term ids must differ.
    pub fn count_series(
        store: IndexStore,
        set: Option<&ThemeSet>,
        terms: &[QueryTerm],
        filter: &DocFilter,
        evidence: bool,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Study, StudyError> {
        let mut rows: Vec<EvidenceRow> = Vec::new();
        let sink = evidence.then_some(&mut rows as &mut (dyn EvidenceSink + Send));
        let mut study = Study::count_series_into(store, set, terms, filter, sink, progress)?;
        study.counted.evidence = rows;
        Ok(study)
    }

    /// Like [`Study::count_series`], handing the evidence rows of every series to `sink`
    /// as the documents are counted (see [`crate::themes::count_into`]) instead of keeping
    /// them: [`Counted::evidence`] stays empty.
    pub fn count_series_into(
        store: IndexStore,
        set: Option<&ThemeSet>,
        terms: &[QueryTerm],
        filter: &DocFilter,
        sink: Option<&mut (dyn EvidenceSink + Send)>,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Study, StudyError> {
        let themes_file = set.map(theme_file_fingerprint).transpose()?;
        let mut series: Vec<String> = set
            .map(|set| set.themes.iter().map(|t| t.id.clone()).collect())
            .unwrap_or_default();
        for term in terms {
            if series.contains(&term.id) {
                return Err(StudyError::DuplicateSeries {
                    id: term.id.clone(),
                });
            }
            series.push(term.id.clone());
        }
        let matcher = match set {
            Some(set) => Matcher::new(set)?,
            None => Matcher::new(&ThemeSet {
                path: PathBuf::from("<terms>"),
                name: "terms".into(),
                version: String::new(),
                description: String::new(),
                model: None,
                signature: String::new(),
                source_hash: None,
                themes: Vec::new(),
            })?,
        };
        let model_file = set
            .map(|set| counted_model_fingerprint(set, &matcher))
            .transpose()?
            .flatten();
        let options = CountOptions {
            terms: terms.to_vec(),
            ..CountOptions::default()
        };
        let result = match sink {
            Some(sink) => count_into(&store, &matcher, filter, &options, progress, sink)?,
            None => count_with(&store, &matcher, filter, &options, progress)?,
        };
        Ok(Study {
            store,
            counted: Counted {
                theme_ids: series,
                docs: result.docs,
                evidence: result.evidence,
                themes_file,
                model_file,
            },
        })
    }

    /// The documents and themes restricted to `only` (every theme when empty; an unknown
    /// id is an error).
    pub fn select(&self, only: &[String]) -> Result<Selection<'_>, StudyError> {
        let all = &self.counted.theme_ids;
        if only.is_empty() {
            return Ok(Selection {
                docs: Cow::Borrowed(&self.counted.docs),
                themes: Cow::Borrowed(all),
                evidence: Cow::Borrowed(&self.counted.evidence),
            });
        }
        if let Some(id) = only.iter().find(|id| !all.contains(id)) {
            return Err(AnalysisError::UnknownTheme {
                theme: id.clone(),
                available: all.join(", "),
            }
            .into());
        }
        let docs = self
            .counted
            .docs
            .iter()
            .map(|d| DocThemeMatches {
                doc: d.doc.clone(),
                matches: d
                    .matches
                    .iter()
                    .filter(|m| only.iter().any(|id| **id == *m.theme))
                    .cloned()
                    .collect(),
            })
            .collect::<Vec<_>>();
        Ok(Selection {
            docs: Cow::Owned(docs),
            themes: Cow::Owned(all.iter().filter(|id| only.contains(id)).cloned().collect()),
            evidence: Cow::Owned(
                self.counted
                    .evidence
                    .iter()
                    .filter(|row| only.contains(&row.theme))
                    .cloned()
                    .collect(),
            ),
        })
    }

    /// What the manifests of this run record: the command line `args`, the index (reads
    /// every stored document once), the theme file and the job file, if any.
    pub fn manifest_context(
        &self,
        args: Vec<String>,
        job: Option<FileFingerprint>,
    ) -> Result<ManifestContext, StudyError> {
        Ok(ManifestContext {
            args,
            index: Some(self.store.fingerprint()?),
            themes: self.counted.themes_file.clone(),
            model: self.counted.model_file.clone(),
            job,
        })
    }

    /// First occurrences in `selection` (of theme `only`, or of every theme), with their
    /// documents' titles, URLs and passages filled in.
    pub fn first_rows(
        &self,
        selection: &Selection<'_>,
        only: Option<&str>,
    ) -> Result<Vec<FirstOccurrence>, StudyError> {
        let mut rows = analysis::first_occurrences(&selection.docs, &selection.themes, only)?;
        analysis::attach_documents(&mut rows, &self.store)?;
        Ok(rows)
    }
}

/// A long trend table: the polars frame (exported, widened) and its typed rows (printed,
/// charted, summed).
pub struct Trends {
    /// The table, columns [`analysis::TREND_COLUMNS`].
    pub frame: DataFrame,
    /// Its rows, in order.
    pub rows: Vec<TrendRow>,
}

impl Trends {
    /// Matches over all rows.
    pub fn total_matches(&self) -> u64 {
        self.rows.iter().map(|r| r.n_matches).sum()
    }

    /// Distinct periods (the points of a chart).
    pub fn n_periods(&self) -> usize {
        let mut periods: Vec<&str> = self.rows.iter().map(|r| r.period.as_str()).collect();
        periods.sort_unstable();
        periods.dedup();
        periods.len()
    }
}

/// How a trend table's intervals and corrections are computed.
#[derive(Debug, Clone, Copy, Default)]
pub struct TrendOptions<'a> {
    /// The low-n threshold.
    pub low_n: LowN,
    /// The sampling unit of the rate intervals.
    pub cluster: ClusterUnit,
    /// A validation whose corrected rates the table gains.
    pub validation: Option<&'a Validation>,
}

/// The trend table (long) of a selection for these periods and grouping; `filter`'s dates
/// bound the calendar periods.
pub fn trends_table(
    selection: &Selection<'_>,
    spec: &PeriodSpec,
    group: Option<GroupBy>,
    filter: &DocFilter,
    options: TrendOptions<'_>,
) -> Result<Trends, StudyError> {
    let periods = analysis::resolve_periods(spec, &selection.docs, filter.from, filter.to)?;
    let mut config = TrendsConfig::new(periods, group, selection.themes.to_vec());
    config.low_n = options.low_n;
    config.confidence = CONFIDENCE;
    config.cluster = options.cluster;
    let mut frame = analysis::trends_table(&selection.docs, &config)?;
    if let Some(validation) = options.validation {
        frame = validation::add_corrected_rates(&frame, validation, CONFIDENCE)?;
    }
    let rows = analysis::trend_rows(&frame)?;
    Ok(Trends { frame, rows })
}

/// A chart title for these periods and grouping.
pub fn chart_title(spec: &PeriodSpec, group: Option<GroupBy>) -> String {
    let by = match spec {
        PeriodSpec::Calendar(g) => format!("by {g}"),
        PeriodSpec::Named(_) => "by period".to_string(),
    };
    match group {
        Some(group) => format!("Theme rates {by} and {group} (matches per 10,000 words, 95% CI)"),
        None => format!("Theme rates {by} (matches per 10,000 words, 95% CI)"),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// A theme set with its model, copied from the project's `corpus/themes` into `dir`.
    fn set_with_model(dir: &Path) -> ThemeSet {
        let themes = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/themes");
        for name in ["korea-2017.toml", "korea-2017.model.json"] {
            std::fs::copy(themes.join(name), dir.join(name)).unwrap();
        }
        ThemeSet::load(&dir.join("korea-2017.toml")).unwrap()
    }

    #[test]
    fn the_model_fingerprint_is_of_the_bytes_the_matcher_compiled() {
        let dir = tempfile::tempdir().unwrap();
        let set = set_with_model(dir.path());
        assert!(set.uses_model());
        let model_path = dir.path().join("korea-2017.model.json");
        let matcher = Matcher::new(&set).unwrap();
        let read = std::fs::read(&model_path).unwrap();
        let counted = counted_model_fingerprint(&set, &matcher).unwrap().unwrap();
        assert_eq!(counted, export::bytes_fingerprint(&model_path, &read));
        // A retraining replaces the file after the counts were made: the manifest still
        // names the model that counted, where reading the file again would not.
        std::fs::write(&model_path, b"{\"format\": 2}").unwrap();
        assert_eq!(
            counted_model_fingerprint(&set, &matcher).unwrap().unwrap(),
            counted
        );
        let now = model_file_fingerprint(&set).unwrap().unwrap();
        assert_ne!(now.hash, counted.hash);
    }

    #[test]
    fn the_theme_file_fingerprint_is_of_the_bytes_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let set = set_with_model(dir.path());
        let path = dir.path().join("korea-2017.toml");
        let loaded = std::fs::read(&path).unwrap();
        let fingerprint = theme_file_fingerprint(&set).unwrap();
        assert_eq!(fingerprint, export::bytes_fingerprint(&path, &loaded));
        let edited = b"# edited after loading\n";
        std::fs::write(&path, edited).unwrap();
        assert_eq!(theme_file_fingerprint(&set).unwrap(), fingerprint);
        // A set made from text keeps no hash: the file as it is now.
        let from_text = ThemeSet::from_toml(&path, std::str::from_utf8(&loaded).unwrap()).unwrap();
        assert_eq!(from_text.source_hash, None);
        assert_eq!(
            theme_file_fingerprint(&from_text).unwrap(),
            export::bytes_fingerprint(&path, edited)
        );
    }

    #[test]
    fn a_matcher_that_read_no_model_fingerprints_the_file_the_set_names() {
        let dir = tempfile::tempdir().unwrap();
        let set = set_with_model(dir.path());
        let rules = Matcher::rules_only(&set).unwrap();
        assert!(rules.model_source().is_none());
        assert_eq!(
            counted_model_fingerprint(&set, &rules).unwrap(),
            model_file_fingerprint(&set).unwrap()
        );
        assert!(model_file_fingerprint(&set).unwrap().is_some());
    }
}
