//! The page: a minijinja template filled from typed rows, the inline style and script
//! hashed into the Content-Security-Policy, and the evidence as a JSON data island.

use std::collections::HashMap;

use base64::Engine;
use minijinja::{Environment, Value, context};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Report, ThemeTrend};
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
    Ok(out)
}

fn template_error(reason: String) -> ExportError {
    ExportError::Report { reason }
}

/// The data the page's script reads: themes and periods by index, documents once, and one
/// compact row per match (`[doc, theme, turn speaker, left, matched, right]`).
#[derive(Serialize)]
struct Island<'a> {
    themes: Vec<IslandTheme<'a>>,
    periods: Vec<IslandPeriod>,
    docs: Vec<(&'a str, String, &'a str, &'a str, &'a str)>,
    rows: Vec<(usize, usize, &'a str, &'a str, &'a str, &'a str)>,
}

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

fn island(report: &Report) -> Island<'_> {
    let theme_index: HashMap<&str, usize> = report
        .themes
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let links: HashMap<&str, &super::DocLink> = report
        .documents
        .iter()
        .map(|d| (d.id.as_str(), d))
        .collect();
    let mut doc_index: HashMap<&str, usize> = HashMap::new();
    let mut docs = Vec::new();
    let mut rows = Vec::with_capacity(report.evidence.len());
    for row in &report.evidence {
        let Some(&theme) = theme_index.get(row.theme.as_str()) else {
            continue;
        };
        let doc = *doc_index.entry(row.doc_id.as_str()).or_insert_with(|| {
            let link = links.get(row.doc_id.as_str());
            docs.push((
                row.doc_id.as_str(),
                row.date.to_string(),
                link.map_or("", |l| l.title.as_str()),
                link.map_or("", |l| web_url(&l.url)),
                row.speaker.as_str(),
            ));
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
        themes: report
            .themes
            .iter()
            .map(|t| IslandTheme {
                id: &t.id,
                label: &t.label,
            })
            .collect(),
        periods: periods(&report.themes),
        docs,
        rows,
    }
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
            data => Value::from_safe_string(data_island(&island(report))?),
            documents => corpus.documents,
            words => corpus.words,
            date_range => date_range,
            breakdowns => breakdowns,
            provenance => provenance,
            chart_title => &report.chart_title,
            themes => themes,
            charts => charts,
            comparisons => comparisons,
            first => first,
            quality => quality,
            evidence_total => report.evidence.len(),
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
    use crate::themes::{ThemeMatch, sample_row};

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
                    rule: String::new(),
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
