//! The page: a minijinja template filled from typed rows, the inline style and script
//! hashed into the Content-Security-Policy, and the evidence as a JSON data island.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use chrono::NaiveDate;

use base64::Engine;
use minijinja::{Environment, Value, context};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{DocLink, Report, ReportRows, ThemeTrend};
use crate::analysis::FirstOccurrence;
use crate::export::ExportError;
use crate::export::chart::{TrendChart, render_svg_linked};

/// The page template (HTML auto-escaping: the name ends in `.html`).
const TEMPLATE: &str = include_str!("page.html");
/// The page's only style.
const STYLE: &str = include_str!("page.css");
/// The page's only script.
const SCRIPT: &str = include_str!("page.js");

/// `'sha256-…'`: the CSP source that allows exactly this inline script or style.
fn csp_hash(content: &str) -> String {
    let digest = Sha256::digest(content.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The page's Content-Security-Policy: nothing may load; only the page's own inline
/// script and style (by hash) run; images only as `data:` URLs.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; script-src {}; style-src {}; img-src data:; \
         base-uri 'none'; form-action 'none'",
        csp_hash(SCRIPT),
        csp_hash(STYLE)
    )
}

/// `value` as JSON that is safe inside `<script type="application/json">`: `<`, `>` and
/// `&` are written as `\u003c`, `\u003e`, `\u0026` (so no text can close the element or
/// open a comment), and the two line separators JavaScript once rejected as `\u2028`,
/// `\u2029`. `JSON.parse` reads it back unchanged.
pub fn data_island(value: &impl Serialize) -> Result<String, ExportError> {
    let json = serde_json::to_string(value).map_err(|e| template_error(e.to_string()))?;
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    escape_json_into(&json, &mut out);
    Ok(out)
}

/// Appends `json` to `out` escaped as [`data_island`] escapes it (character by character,
/// so pieces escaped apart join into the escaped whole).
pub(super) fn escape_json_into(json: &str, out: &mut String) {
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
}

fn template_error(reason: String) -> ExportError {
    ExportError::Report { reason }
}

/// The element that holds the data island (the page's first `<script`: no text of the
/// page can open one, as every text is escaped).
const ISLAND_OPEN: &str = r#"<script type="application/json" id="report-data">"#;

/// The data the page's script reads: themes and periods by index, documents once, and one
/// compact row per match (`[doc, theme, turn speaker, left, matched, right]`).
#[derive(Serialize)]
struct Island<'a> {
    themes: Vec<IslandTheme<'a>>,
    periods: Vec<IslandPeriod>,
    docs: Vec<IslandDoc<'a>>,
    rows: Vec<(usize, usize, &'a str, &'a str, &'a str, &'a str)>,
}

/// The island up to its rows, for a page whose rows were spooled (see [`ReportRows`]): the
/// fields of [`Island`] before `rows`, in the same order.
#[derive(Serialize)]
struct IslandHead<'a> {
    themes: Vec<IslandTheme<'a>>,
    periods: Vec<IslandPeriod>,
    docs: Vec<IslandDoc<'a>>,
}

/// A document of the island: id, date, title, web URL, speaker.
type IslandDoc<'a> = (&'a str, String, &'a str, &'a str, &'a str);

#[derive(Serialize)]
struct IslandTheme<'a> {
    id: &'a str,
    label: &'a str,
}

#[derive(Serialize)]
struct IslandPeriod {
    name: String,
    start: String,
    end: String,
}

/// `url` when it is a web address (a `javascript:` or relative URL is never linked).
fn web_url(url: &str) -> &str {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        url
    } else {
        ""
    }
}

/// The report's document links by id.
fn links(report: &Report) -> HashMap<&str, &DocLink> {
    report
        .documents
        .iter()
        .map(|d| (d.id.as_str(), d))
        .collect()
}

/// The island's entry of document `id` (title and URL from `links`).
fn island_doc<'a>(
    links: &HashMap<&str, &'a DocLink>,
    id: &'a str,
    date: NaiveDate,
    speaker: &'a str,
) -> IslandDoc<'a> {
    let link = links.get(id);
    (
        id,
        date.to_string(),
        link.map_or("", |l| l.title.as_str()),
        link.map_or("", |l| web_url(&l.url)),
        speaker,
    )
}

fn island_themes(report: &Report) -> Vec<IslandTheme<'_>> {
    report
        .themes
        .iter()
        .map(|t| IslandTheme {
            id: &t.id,
            label: &t.label,
        })
        .collect()
}

fn island(report: &Report) -> Island<'_> {
    let theme_index: HashMap<&str, usize> = report
        .themes
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let links = links(report);
    let mut doc_index: HashMap<&str, usize> = HashMap::new();
    let mut docs = Vec::new();
    let mut rows = Vec::with_capacity(report.evidence.len());
    for row in &report.evidence {
        let Some(&theme) = theme_index.get(row.theme.as_str()) else {
            continue;
        };
        let doc = *doc_index.entry(row.doc_id.as_str()).or_insert_with(|| {
            docs.push(island_doc(&links, &row.doc_id, row.date, &row.speaker));
            docs.len() - 1
        });
        rows.push((
            doc,
            theme,
            row.turn_speaker.as_str(),
            row.left.as_str(),
            row.matched.as_str(),
            row.right.as_str(),
        ));
    }
    Island {
        themes: island_themes(report),
        periods: periods(&report.themes),
        docs,
        rows,
    }
}

/// The island's JSON up to and including the bracket that opens its rows, for the
/// documents of `rows` (escaped as [`data_island`] escapes).
fn island_head(report: &Report, rows: &ReportRows) -> Result<String, ExportError> {
    let links = links(report);
    let head = IslandHead {
        themes: island_themes(report),
        periods: periods(&report.themes),
        docs: rows
            .docs()
            .iter()
            .map(|d| island_doc(&links, &d.id, d.date, &d.speaker))
            .collect(),
    };
    let mut json = data_island(&head)?;
    // `{"themes":..,"docs":..}` becomes `{"themes":..,"docs":..,"rows":[`.
    if json.pop() != Some('}') {
        return Err(template_error(
            "the data island is not a JSON object".into(),
        ));
    }
    json.push_str(r#","rows":["#);
    Ok(json)
}

/// The periods of the trend rows, in order (every theme has the same ones).
fn periods(themes: &[ThemeTrend]) -> Vec<IslandPeriod> {
    let mut out: Vec<IslandPeriod> = Vec::new();
    for row in themes.first().map_or(&[][..], |t| &t.rows[..]) {
        if out.last().is_none_or(|p| p.name != row.period) {
            out.push(IslandPeriod {
                name: row.period.clone(),
                start: row.period_start.to_string(),
                end: row.period_end.to_string(),
            });
        }
    }
    out
}

fn fixed(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "–".to_string(), |v| format!("{v:.decimals$}"))
}

fn p_value(p: f64) -> String {
    if p < 0.001 {
        "<0.001".into()
    } else {
        format!("{p:.3}")
    }
}

#[derive(Serialize)]
struct Count {
    key: String,
    n: u64,
}

#[derive(Serialize)]
struct Breakdown {
    name: &'static str,
    counts: Vec<Count>,
}

#[derive(Serialize)]
struct ThemeView<'a> {
    id: &'a str,
    label: &'a str,
    description: &'a str,
    matches: u64,
    docs: u64,
}

#[derive(Serialize)]
struct CompareRowView {
    theme: String,
    a_docs: String,
    b_docs: String,
    p_docs: String,
    p_docs_holm: String,
    a_n: u64,
    a_rate: String,
    b_n: u64,
    b_rate: String,
    ratio: String,
    ci: String,
    p_g2: String,
    flag: &'static str,
}

#[derive(Serialize)]
struct CompareView {
    a: String,
    b: String,
    rows: Vec<CompareRowView>,
}

#[derive(Serialize)]
struct FirstView<'a> {
    theme: &'a str,
    scope: &'static str,
    who: &'a str,
    date: String,
    doc_id: &'a str,
    title: &'a str,
    url: &'a str,
    left: &'a str,
    matched: &'a str,
    right: &'a str,
}

#[derive(Serialize)]
struct QualityRowView<'a> {
    theme: &'a str,
    gold: usize,
    predicted: usize,
    tp: usize,
    precision: String,
    recall: String,
    f1: String,
}

#[derive(Serialize)]
struct QualityView<'a> {
    files: &'a [String],
    paragraphs: usize,
    documents: usize,
    macro_f1: String,
    rows: Vec<QualityRowView<'a>>,
}

fn with_interval(value: f64, ci: Option<crate::themes::Interval>) -> String {
    match ci {
        Some(ci) => format!("{value:.2} ({:.2}–{:.2})", ci.low, ci.high),
        None => format!("{value:.2}"),
    }
}

fn first_view(row: &FirstOccurrence) -> FirstView<'_> {
    FirstView {
        theme: &row.theme,
        scope: row.scope.as_str(),
        who: &row.who,
        date: row.date.to_string(),
        doc_id: &row.doc_id,
        title: &row.title,
        url: web_url(&row.url),
        left: &row.passage.left,
        matched: &row.passage.matched,
        right: &row.passage.right,
    }
}

/// The whole page.
pub fn render_report(report: &Report) -> Result<String, ExportError> {
    render_page(report, data_island(&island(report))?, report.evidence.len())
}

/// Writes to `out` the page of `report` whose evidence rows are `rows` (not
/// `report.evidence`): [`render_report`]'s bytes for the same rows, without holding them.
pub(super) fn write_page_with_rows(
    report: &Report,
    rows: ReportRows,
    out: &mut impl Write,
    path: &Path,
) -> Result<(), ExportError> {
    let page = render_page(report, String::new(), rows.rows())?;
    let at = page
        .find(ISLAND_OPEN)
        .map(|i| i + ISLAND_OPEN.len())
        .ok_or_else(|| template_error("the page template has no data island".into()))?;
    let head = island_head(report, &rows)?;
    let io = |source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    };
    out.write_all(&page.as_bytes()[..at]).map_err(io)?;
    out.write_all(head.as_bytes()).map_err(io)?;
    rows.copy_to(out)?;
    out.write_all(b"]}").map_err(io)?;
    out.write_all(&page.as_bytes()[at..]).map_err(io)
}

/// The page with `data` (escaped JSON) as its data island and `evidence_total` as its
/// row count.
fn render_page(
    report: &Report,
    data: String,
    evidence_total: usize,
) -> Result<String, ExportError> {
    let corpus = &report.corpus;
    let counts = |map: &std::collections::BTreeMap<String, u64>| {
        map.iter()
            .map(|(k, n)| Count {
                key: k.clone(),
                n: *n,
            })
            .collect::<Vec<_>>()
    };
    let breakdowns = vec![
        Breakdown {
            name: "source",
            counts: counts(&corpus.by_source),
        },
        Breakdown {
            name: "kind",
            counts: counts(&corpus.by_kind),
        },
        Breakdown {
            name: "language",
            counts: counts(&corpus.by_lang),
        },
        Breakdown {
            name: "year",
            counts: corpus
                .by_year
                .iter()
                .map(|(y, n)| Count {
                    key: y.to_string(),
                    n: *n,
                })
                .collect(),
        },
    ];
    let mut provenance: Vec<(&str, String)> = Vec::new();
    if let Some(index) = &report.context.index {
        provenance.push((
            "index",
            format!(
                "{} ({} documents, content hash {})",
                index.path, index.n_documents, index.content_hash
            ),
        ));
    }
    if let Some(themes) = &report.context.themes {
        provenance.push((
            "theme file",
            format!("{} (BLAKE3 {})", themes.path, themes.hash),
        ));
    }
    if let Some(job) = &report.context.job {
        provenance.push(("job file", format!("{} (BLAKE3 {})", job.path, job.hash)));
    }
    provenance.push(("command", report.context.args.join(" ")));
    provenance.push((
        "made by",
        format!(
            "statemine {} at {}",
            env!("CARGO_PKG_VERSION"),
            report.created
        ),
    ));

    let themes: Vec<ThemeView<'_>> = report
        .themes
        .iter()
        .map(|t| ThemeView {
            id: &t.id,
            label: &t.label,
            description: &t.description,
            matches: t.rows.iter().map(|r| r.n_matches).sum(),
            docs: t.rows.iter().map(|r| r.n_docs_matched).sum(),
        })
        .collect();
    // Charts are our own SVG (every text escaped by the SVG writer): marked safe here,
    // never in the template.
    let charts: Vec<Value> = report
        .themes
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let chart =
                TrendChart::from_rows(&t.rows, &format!("{}: {}", t.label, report.chart_title));
            Value::from_safe_string(render_svg_linked(&chart, &format!("t{i}-")))
        })
        .collect();
    let comparisons: Vec<CompareView> = report
        .comparisons
        .iter()
        .map(|table| CompareView {
            a: table.label_a.clone(),
            b: table.label_b.clone(),
            rows: table
                .rows
                .iter()
                .map(|r| CompareRowView {
                    theme: r.theme.clone(),
                    a_docs: format!("{}/{}", r.a.n_docs_matched, r.a.n_docs),
                    b_docs: format!("{}/{}", r.b.n_docs_matched, r.b.n_docs),
                    p_docs: p_value(r.p_docs),
                    p_docs_holm: p_value(r.p_docs_holm),
                    a_n: r.a.n_matches,
                    a_rate: fixed(r.a.rate(), 2),
                    b_n: r.b.n_matches,
                    b_rate: fixed(r.b.rate(), 2),
                    ratio: r.ratio.as_ref().map_or_else(
                        || "–".into(),
                        |x| format!("{:.2}{}", x.ratio, if x.corrected { "†" } else { "" }),
                    ),
                    ci: r.ratio.as_ref().map_or_else(
                        || "–".into(),
                        |x| format!("{:.2}–{:.2}", x.interval.low, x.interval.high),
                    ),
                    p_g2: p_value(r.p_g2),
                    flag: if r.small_sample() { "small n" } else { "" },
                })
                .collect(),
        })
        .collect();
    let first: Vec<FirstView<'_>> = report.first.iter().map(first_view).collect();
    let quality = report.quality.as_ref().map(|q| QualityView {
        files: &q.files,
        paragraphs: q.report.paragraphs,
        documents: q.report.documents,
        macro_f1: q
            .report
            .macro_f1
            .map_or_else(|| "–".into(), |f| with_interval(f, q.report.macro_f1_ci)),
        rows: q
            .report
            .themes
            .iter()
            .map(|s| QualityRowView {
                theme: &s.theme,
                gold: s.gold,
                predicted: s.predicted,
                tp: s.tp,
                precision: with_interval(s.precision, s.precision_ci),
                recall: with_interval(s.recall, s.recall_ci),
                f1: with_interval(s.f1, s.f1_ci),
            })
            .collect(),
    });
    let date_range = match (corpus.date_min, corpus.date_max) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        _ => "no documents".into(),
    };

    let mut env = Environment::new();
    env.add_template("report.html", TEMPLATE)
        .map_err(|e| template_error(format!("{e:#}")))?;
    let template = env
        .get_template("report.html")
        .map_err(|e| template_error(format!("{e:#}")))?;
    template
        .render(context! {
            title => &report.title,
            csp => content_security_policy(),
            style => Value::from_safe_string(STYLE.to_string()),
            script => Value::from_safe_string(SCRIPT.to_string()),
            data => Value::from_safe_string(data),
            documents => corpus.documents,
            words => corpus.words,
            translated_pages => corpus.translated_pages,
            date_range => date_range,
            breakdowns => breakdowns,
            provenance => provenance,
            chart_title => &report.chart_title,
            themes => themes,
            charts => charts,
            comparisons => comparisons,
            first => first,
            quality => quality,
            evidence_total => evidence_total,
        })
        .map_err(|e| template_error(format!("{e:#}")))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use proptest::prelude::*;

    use super::*;
    use crate::analysis::{FirstScope, Passage, TrendRow};
    use crate::export::ManifestContext;
    use crate::export::report::{CorpusSummary, DocLink};
    use crate::themes::{EvidenceRow, ThemeMatch, sample_row};

    const ATTACK: &str = "<script>alert(1)</script>";

    fn trend_row(period: &str, month: u32, theme: &str) -> TrendRow {
        let start = NaiveDate::from_ymd_opt(2017, month, 1).unwrap();
        TrendRow {
            period: period.into(),
            period_start: start,
            period_end: start + chrono::Days::new(27),
            group: String::new(),
            theme: theme.into(),
            n_matches: 1,
            n_paragraphs_matched: 1,
            n_docs_matched: 1,
            n_docs: 3,
            n_paragraphs: 30,
            n_words: 3000,
            rate_per_10k_words: Some(3.3),
            rate_ci_low: Some(0.1),
            rate_ci_high: Some(18.6),
            share_of_docs: Some(0.33),
            share_ci_low: Some(0.06),
            share_ci_high: Some(0.79),
            low_n: true,
            n_clusters: 3,
            dispersion: 1.0,
            rate_ci_low_poisson: Some(0.1),
            rate_ci_high_poisson: Some(18.6),
            rate_corrected: None,
            rate_corrected_low: None,
            rate_corrected_high: None,
        }
    }

    /// A report whose every text field carries markup.
    fn hostile() -> Report {
        let mut evidence = sample_row();
        evidence.matched = "</script><script>alert(2)</script>".into();
        evidence.left = "<!-- ".into();
        evidence.turn_speaker = "</textarea><b>x</b>".into();
        Report {
            title: ATTACK.into(),
            created: "2026-12-03T10:00:00Z".into(),
            context: ManifestContext {
                args: vec!["statemine".into(), "<i>run</i>".into()],
                ..ManifestContext::default()
            },
            corpus: CorpusSummary::default(),
            chart_title: "Theme rates by month".into(),
            themes: vec![ThemeTrend {
                id: "double_freeze".into(),
                label: "</textarea>".into(),
                description: "<img src=x onerror=alert(3)>".into(),
                rows: vec![
                    trend_row("2017-08", 8, "double_freeze"),
                    trend_row("2017-09", 9, "double_freeze"),
                ],
            }],
            comparisons: Vec::new(),
            first: vec![FirstOccurrence {
                theme: "double_freeze".into(),
                scope: FirstScope::Overall,
                who: String::new(),
                date: evidence.date,
                doc_id: "d1".into(),
                at: ThemeMatch {
                    theme: "double_freeze".into(),
                    para: 0,
                    sentence: 0,
                    start: 0,
                    end: 1,
                    rule: "".into(),
                },
                title: ATTACK.into(),
                url: "javascript:alert(4)".into(),
                passage: Passage {
                    left: String::new(),
                    matched: "</textarea>".into(),
                    right: String::new(),
                },
            }],
            quality: None,
            evidence: vec![evidence],
            documents: vec![DocLink {
                id: "d1".into(),
                title: ATTACK.into(),
                url: "http://en.kremlin.ru/events/1".into(),
            }],
        }
    }

    /// The text between the first `open` after `from` and the next `</script>`/`</style>`.
    fn element<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
        let start = html.find(open).unwrap() + open.len();
        let end = start + html[start..].find(close).unwrap();
        &html[start..end]
    }

    #[test]
    fn markup_in_any_text_is_shown_as_text() {
        let html = render_report(&hostile()).unwrap();
        for raw in [
            ATTACK,
            "</textarea>",
            "<img src=x",
            "<b>x</b>",
            "<i>run</i>",
            "alert(2)</script>",
        ] {
            assert!(!html.contains(raw), "{raw} appears unescaped");
        }
        assert!(
            html.contains("<title>&lt;script&gt;alert(1)&lt;&#x2f;script&gt;</title>"),
            "{html}"
        );
        assert!(html.contains("<h3>&lt;&#x2f;textarea&gt; <code>"), "{html}");
        // Exactly the page's two script elements: the data island and the code.
        assert_eq!(html.matches("<script").count(), 2);
        assert_eq!(html.matches("</script>").count(), 2);
        // A `javascript:` URL is never linked; a web URL is.
        assert!(!html.contains("javascript:"));
    }

    #[test]
    fn the_data_island_cannot_close_its_element_and_reads_back() {
        let html = render_report(&hostile()).unwrap();
        let island = element(
            &html,
            r#"<script type="application/json" id="report-data">"#,
            "</script>",
        );
        assert!(!island.contains('<') && !island.contains('>'), "{island}");
        let value: serde_json::Value = serde_json::from_str(island).unwrap();
        assert_eq!(
            value["rows"][0][4], "</script><script>alert(2)</script>",
            "{value}"
        );
        assert_eq!(value["rows"][0][3], "<!-- ");
        assert_eq!(value["docs"][0][3], "http://en.kremlin.ru/events/1");
        assert_eq!(value["periods"][1]["name"], "2017-09");
    }

    #[test]
    fn the_policy_allows_only_the_pages_own_script_and_style() {
        let html = render_report(&hostile()).unwrap();
        let policy = content_security_policy();
        let meta = r#"<meta http-equiv="Content-Security-Policy" content=""#;
        let content = element(&html, meta, "\"");
        let unescaped = content.replace("&#x27;", "'").replace("&#x2f;", "/");
        assert_eq!(unescaped, policy);
        // The policy comes before any script or style.
        assert!(html.find(meta).unwrap() < html.find("<style>").unwrap());
        assert!(policy.starts_with("default-src 'none';"), "{policy}");
        assert!(!policy.contains("unsafe"), "{policy}");
        let script = element(&html, "<script>", "</script>");
        let style = element(&html, "<style>", "</style>");
        assert!(policy.contains(&format!("script-src {};", csp_hash(script))));
        assert!(policy.contains(&format!("style-src {};", csp_hash(style))));
        // The known SHA-256 of "abc", base64: the hash is the one CSP computes.
        assert_eq!(
            csp_hash("abc"),
            "'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='"
        );
        // Nothing loads from anywhere: no src attribute, no stylesheet link.
        assert!(!html.contains(" src=\""), "{html}");
        assert!(!html.contains("<link"), "{html}");
    }

    #[test]
    fn chart_points_name_their_theme_and_period() {
        let html = render_report(&hostile()).unwrap();
        assert!(html.contains(r#"data-series="double_freeze" data-period="1""#));
        assert!(html.contains(r#"clip-path="url(#t0-panel0)""#));
    }

    /// The rows of `report` spooled through [`ReportRows`] and written by
    /// `write_report_with_rows`: the page's bytes and the manifest's row count.
    fn spooled_page(report: &Report, dir: &std::path::Path) -> (String, u64) {
        let path = dir.join("out").join("page.html");
        let ids: Vec<String> = report.themes.iter().map(|t| t.id.clone()).collect();
        let mut rows = ReportRows::create(&path, &ids).unwrap();
        for row in &report.evidence {
            rows.write(&row.as_ref()).unwrap();
        }
        let without = Report {
            evidence: Vec::new(),
            ..report.clone()
        };
        let context = ManifestContext::default();
        crate::export::report::write_report_with_rows(&without, rows, &path, &context).unwrap();
        let manifest = std::fs::read_to_string(crate::export::manifest_path(&path)).unwrap();
        let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir.join("out"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["page.html", "page.html.manifest.json"],
            "a file was left"
        );
        (
            std::fs::read_to_string(&path).unwrap(),
            manifest["output"]["rows"].as_u64().unwrap(),
        )
    }

    /// Spooled rows make the page that the same rows collected make, byte for byte: markup
    /// and line separators in every cell, documents cited in turn, a row of a theme the page
    /// does not show (counted, not shown), and no rows at all.
    #[test]
    fn spooled_rows_make_the_collected_page() {
        let mut report = hostile();
        let first = report.evidence[0].clone();
        let other_doc = EvidenceRow {
            doc_id: "d2".into(),
            date: NaiveDate::from_ymd_opt(2017, 9, 6).unwrap(),
            speaker: "A & B \u{2028}<i>".into(),
            turn_speaker: String::new(),
            right: "\"quoted\" \u{2029} \\ end".into(),
            ..first.clone()
        };
        let unshown = EvidenceRow {
            theme: "not_in_the_report".into(),
            doc_id: "d3".into(),
            ..first.clone()
        };
        report.evidence = vec![first.clone(), other_doc.clone(), unshown, first, other_doc];
        report.documents.push(DocLink {
            id: "d2".into(),
            title: "Second & <last>".into(),
            url: "https://kremlin.ru/2".into(),
        });
        let dir = tempfile::tempdir().unwrap();
        let collected = render_report(&report).unwrap();
        let (spooled, rows) = spooled_page(&report, dir.path());
        assert!(spooled == collected, "{spooled}\n---\n{collected}");
        assert_eq!(rows, 5);
        let data = element(&spooled, ISLAND_OPEN, "</script>");
        let value: serde_json::Value = serde_json::from_str(data).unwrap();
        assert_eq!(value["rows"].as_array().unwrap().len(), 4, "{value}");
        assert_eq!(value["docs"].as_array().unwrap().len(), 2, "{value}");
        assert_eq!(value["rows"][1][0], 1);

        report.evidence.clear();
        let dir = tempfile::tempdir().unwrap();
        let (spooled, rows) = spooled_page(&report, dir.path());
        assert!(spooled == render_report(&report).unwrap());
        assert_eq!(rows, 0);
    }

    proptest! {
        #[test]
        fn any_text_survives_the_data_island(texts in proptest::collection::vec(any::<String>(), 0..8)) {
            let island = data_island(&texts).unwrap();
            prop_assert!(!island.contains('<'));
            let separators = ['\u{2028}', '\u{2029}'];
            prop_assert!(!island.contains(separators), "a line separator is left");
            let back: Vec<String> = serde_json::from_str(&island).unwrap();
            prop_assert_eq!(back, texts);
        }
    }
}
