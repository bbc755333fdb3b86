//! The HTML report of a study: every section computed from the one count of the study, so
//! the page agrees with the job's tables.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::StudyError;
use super::counted::{CONFIDENCE, Study, TrendOptions, chart_title, trends_table};
use super::job_file::Job;
use crate::analysis::{self, ClusterUnit, Comparison, PeriodSpec};
use crate::export::ManifestContext;
use crate::export::report::{CorpusSummary, DocLink, Quality, Report, ReportRows, ThemeTrend};
use crate::index::{DocFilter, IndexError};
use crate::themes::{self, ThemeSet};

/// What a report shows beyond the study itself.
pub struct ReportSpec<'a> {
    /// Page title.
    pub title: &'a str,
    /// Periods of the trend charts.
    pub periods: &'a PeriodSpec,
    /// Gold files for the quality table (none: no table).
    pub gold: &'a [PathBuf],
    /// Comparisons to show, each with its theme subset (empty: all).
    pub comparisons: &'a [(Comparison, Vec<String>)],
}

/// Computes the report of `study` (counted with evidence) for `job`: corpus summary,
/// per-theme trends, the comparisons of `spec`, first occurrences, theme quality against
/// `spec.gold`, and every evidence row with its document's title and URL.
pub fn build_report(
    job: &Job,
    study: &Study,
    set: &ThemeSet,
    spec: &ReportSpec<'_>,
    context: &ManifestContext,
) -> Result<Report, StudyError> {
    let evidence = study.counted.evidence.clone();
    let documents = document_links(
        study,
        &job.filter,
        evidence.iter().map(|r| r.doc_id.as_str()).collect(),
    )?;
    report_of(job, study, set, spec, context, evidence, documents)
}

/// The report of `study` with these evidence rows and document links.
fn report_of(
    job: &Job,
    study: &Study,
    set: &ThemeSet,
    spec: &ReportSpec<'_>,
    context: &ManifestContext,
    evidence: Vec<themes::EvidenceRow>,
    documents: Vec<DocLink>,
) -> Result<Report, StudyError> {
    let selection = study.select(&[])?;
    let trends = trends_table(
        &selection,
        spec.periods,
        None,
        &job.filter,
        TrendOptions::default(),
    )?;
    let themes = set
        .themes
        .iter()
        .map(|theme| ThemeTrend {
            id: theme.id.clone(),
            label: theme.label.clone(),
            description: theme.description.clone(),
            rows: trends
                .rows
                .iter()
                .filter(|r| r.theme == theme.id)
                .cloned()
                .collect(),
        })
        .collect();
    let mut comparisons = Vec::new();
    for (comparison, themes) in spec.comparisons {
        let selection = study.select(themes)?;
        // Speakers are grouped by their registry names, so the sides are named so too.
        let comparison = comparison
            .clone()
            .with_canonical_speakers(&job.filter.turns.registry());
        comparisons.push(analysis::compare(
            &selection.docs,
            &comparison,
            &selection.themes,
            CONFIDENCE,
            ClusterUnit::Document,
        )?);
    }
    let first = study.first_rows(&selection, None)?;
    let quality = if spec.gold.is_empty() {
        None
    } else {
        Some(quality(study, set, spec.gold)?)
    };
    Ok(Report {
        title: spec.title.to_string(),
        created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        context: context.clone(),
        corpus: CorpusSummary {
            translated_pages: study.store.translated_pages(&job.filter)?.pages,
            ..CorpusSummary::of(&study.counted.docs)
        },
        chart_title: chart_title(spec.periods, None),
        themes,
        comparisons,
        first,
        quality,
        evidence,
        documents,
    })
}

/// The themes scored against the labels of `gold` (pooled; a paragraph labelled twice
/// counts once), over the labelled documents of the study's index.
fn quality(study: &Study, set: &ThemeSet, gold: &[PathBuf]) -> Result<Quality, StudyError> {
    let mut pooled = Vec::new();
    for path in gold {
        let labels = themes::read_gold(path)?;
        themes::check_gold_themes(set, &labels)?;
        pooled.extend(labels);
    }
    themes::dedup_gold(&mut pooled);
    let docs = themes::count_gold_documents(&study.store, set, &pooled)?;
    let files: Vec<String> = gold.iter().map(|p| p.display().to_string()).collect();
    let report = themes::evaluate(set, &pooled, &docs);
    if report.paragraphs == 0 && !pooled.is_empty() {
        return Err(StudyError::GoldNotIndexed {
            files,
            index: study.store.dir().to_path_buf(),
            labelled: pooled.len(),
        });
    }
    Ok(Quality { files, report })
}

/// Title and URL of the `wanted` documents (those the evidence cites; one pass over the
/// filter's documents).
fn document_links(
    study: &Study,
    filter: &DocFilter,
    wanted: HashSet<&str>,
) -> Result<Vec<DocLink>, StudyError> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let mut found: HashMap<String, DocLink> = HashMap::new();
    study
        .store
        .for_each_document(filter, |stored| -> Result<(), IndexError> {
            if wanted.contains(stored.doc.id.as_str()) {
                let doc = stored.doc;
                found.insert(
                    doc.id.clone(),
                    DocLink {
                        id: doc.id,
                        title: doc.title,
                        url: doc.url,
                    },
                );
            }
            Ok(())
        })?;
    let mut links: Vec<DocLink> = found.into_values().collect();
    links.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(links)
}

/// Writes the report of `study` to `path` with its manifest, its evidence the `rows`
/// spooled as `study` was counted; returns the number of rows.
pub(super) fn write_report(
    job: &Job,
    study: &Study,
    set: &ThemeSet,
    spec: &ReportSpec<'_>,
    path: &Path,
    context: &ManifestContext,
    rows: ReportRows,
) -> Result<usize, StudyError> {
    let documents = document_links(study, &job.filter, rows.doc_ids().collect())?;
    let report = report_of(job, study, set, spec, context, Vec::new(), documents)?;
    let count = rows.rows();
    crate::export::report::write_report_with_rows(&report, rows, path, context)?;
    Ok(count)
}
