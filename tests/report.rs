//! `statemine report` and the `[report]` of a job: the page is written, self-contained,
//! and works in a real browser (headless Chromium): its evidence browser shows as many
//! rows as the evidence table, filters by theme, speaker and a chart click, and no text of
//! a document runs as code.
//!
//! The browser tests need `chromium` (`.ci/run` installs it). Without it they fail when
//! `CI` is set and skip with a message otherwise.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::statemine;
use serde_json::Value;

/// A job over the study fixture and a document whose title, speaker, URL and text carry
/// markup and scripts; every output and the report.
fn write_job(dir: &Path) -> PathBuf {
    let job = dir.join("job.toml");
    let text = format!(
        r#"root = "{root}"
index = "{index}"
inputs = ["tests/fixtures/study/statements.jsonl", "tests/fixtures/report/hostile.jsonl"]
themes = "tests/fixtures/study/themes.toml"
out_dir = "{out}"

[periods]
H1 = "2017-01-01..2017-06-30"
H2 = "2017-07-01..2017-12-31"

[[compare]]
out = "h2-h1.csv"
a = "H2"
b = "H1"

[[first]]
out = "first.csv"

[[evidence]]
out = "evidence.csv"

[report]
out = "report.html"
gold = ["tests/fixtures/report/gold.jsonl"]
title = "Fixture <script>document.documentElement.dataset.pwned='job'</script>"
"#,
        root = env!("CARGO_MANIFEST_DIR"),
        index = dir.join("index").display(),
        out = dir.join("out").display(),
    );
    std::fs::write(&job, text).unwrap();
    job
}

/// The columns of an evidence row the filters read.
struct Row {
    theme: String,
    date: String,
    speaker: String,
    turn: String,
}

/// The evidence table's rows.
fn evidence(path: &Path) -> Vec<Row> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (theme, date, speaker, turn) = (at("theme"), at("date"), at("speaker"), at("turn_speaker"));
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            Row {
                theme: r[theme].to_string(),
                date: r[date].to_string(),
                speaker: r[speaker].to_string(),
                turn: r[turn].to_string(),
            }
        })
        .collect()
}

/// The JSON data island of a report.
fn island(html: &str) -> Value {
    let open = r#"<script type="application/json" id="report-data">"#;
    let start = html.find(open).unwrap() + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

/// Runs the job in a fresh folder; returns the folder and the output folder.
fn run_job() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let job = write_job(dir.path());
    let run = statemine(&["run", job.to_str().unwrap()]).ok();
    let out = dir.path().join("out");
    assert!(
        run.stdout.contains(&format!(
            "report        {} rows",
            evidence(&out.join("evidence.csv")).len()
        )),
        "{}",
        run.stdout
    );
    (dir, out)
}

#[test]
fn a_quality_table_of_documents_the_index_lacks_is_an_error_not_zeros() {
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("other.jsonl");
    std::fs::write(
        &gold,
        "{\"doc_id\":\"elsewhere-1\",\"para\":0,\"themes\":[\"useless\"]}\n",
    )
    .unwrap();
    let job = write_job(dir.path());
    let text = std::fs::read_to_string(&job)
        .unwrap()
        .replace("tests/fixtures/report/gold.jsonl", gold.to_str().unwrap());
    std::fs::write(&job, text).unwrap();
    let run = statemine(&["run", job.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("none of the 1 labelled paragraphs of")
            && run.stderr.contains("is in the index"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("out/report.html").exists());
}

#[test]
fn a_job_writes_a_self_contained_report_with_every_evidence_row() {
    let (dir, out) = run_job();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let rows = evidence(&out.join("evidence.csv"));
    assert!(rows.len() > 20, "{}", rows.len());
    assert_eq!(island(&html)["rows"].as_array().unwrap().len(), rows.len());
    // Nothing is loaded from anywhere: no attribute of any element names a resource (links
    // to the sources are navigation, on <a> only), no stylesheet link, import or CSS URL.
    let attribute = regex::Regex::new(
        r#"<(\w+)[^<>]*?\s(src|href|srcset|data|action|poster)\s*=\s*"?([^"\s>]*)"#,
    )
    .unwrap();
    for found in attribute.captures_iter(&html) {
        let (tag, name, value) = (&found[1], &found[2], &found[3]);
        assert!(
            value.starts_with('#') || (tag == "a" && name == "href"),
            "<{tag} {name}={value}> in the report"
        );
    }
    for needle in ["<link", "@import", "<iframe", "<object", "<embed", "<img"] {
        assert!(!html.contains(needle), "{needle} in the report");
    }
    // CSS and SVG `url(...)` only to fragments of the page itself (the charts' clip paths).
    let url = regex::Regex::new(r#"url\(\s*['"]?([^)'"]*)"#).unwrap();
    for found in url.captures_iter(&html) {
        assert!(
            found[1].starts_with('#'),
            "url({}) in the report",
            &found[1]
        );
    }
    assert!(html.contains(
        r#"<meta http-equiv="Content-Security-Policy" content="default-src &#x27;none&#x27;;"#
    ));
    // The document's markup is text; its javascript: URL is never a link.
    assert!(!html.contains("<b>Mallory</b>"));
    assert!(html.contains("Eve &lt;&#x2f;textarea&gt;&lt;b&gt;Mallory&lt;&#x2f;b&gt;"));
    assert!(!html.contains("javascript:"));
    assert_eq!(html.matches("<script").count(), 2);
    // Theme quality against the fixture's labels (six paragraphs): `talks` is labelled in
    // three, found in three (one of them not labelled), so two are true positives.
    let quality = &html[html.find(r#"<section id="quality">"#).unwrap()..];
    for row in [
        r#"<tr><td>useless</td><td class="num">3</td><td class="num">3</td><td class="num">3</td><td class="num">1.00"#,
        r#"<tr><td>talks</td><td class="num">3</td><td class="num">3</td><td class="num">2</td><td class="num">0.67"#,
        r#"<tr><td>freeze</td><td class="num">0</td><td class="num">1</td><td class="num">0</td><td class="num">0.00"#,
    ] {
        assert!(quality.contains(row), "{row}\n{quality}");
    }
    // The manifest describes the page.
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("report.html.manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["output"]["format"], "html");
    assert_eq!(manifest["output"]["rows"], rows.len());

    // `statemine report` writes the page alone, where --out says.
    let other = dir.path().join("elsewhere/page.html");
    let job = dir.path().join("job.toml");
    let run = statemine(&[
        "report",
        job.to_str().unwrap(),
        "--out",
        other.to_str().unwrap(),
    ])
    .ok();
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(run.stdout.starts_with("report "), "{}", run.stdout);
    let again = std::fs::read_to_string(&other).unwrap();
    assert_eq!(island(&again), island(&html));
    let bad = statemine(&["report", job.to_str().unwrap(), "--out", "page.pdf"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains(".html"), "{}", bad.stderr);
}

/// The page the binary writes (its rows spooled to a file as the documents are counted) is,
/// byte for byte, the page the library makes from the same count with every row collected
/// in memory (`build_report`, `render_report`).
#[test]
fn the_spooled_page_is_the_one_the_collected_rows_make() {
    use statemine::export::report::render_report;
    use statemine::export::{Manifest, ManifestContext, manifest_path};
    use statemine::index::IndexStore;
    use statemine::study::{Job, JobOutput, ReportSpec, Study, build_report};
    use statemine::themes::ThemeSet;

    let (dir, out) = run_job();
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    let job = Job::load(&dir.path().join("job.toml")).unwrap();
    let set = ThemeSet::load(&job.themes).unwrap();
    let store = IndexStore::open(&job.index).unwrap();
    let study = Study::count(store, &set, &job.filter, true, &|_| {}).unwrap();
    // The command line and inputs the binary recorded.
    let manifest: Manifest = serde_json::from_str(
        &std::fs::read_to_string(manifest_path(&out.join("report.html"))).unwrap(),
    )
    .unwrap();
    let context = ManifestContext {
        args: manifest.args,
        index: manifest.index,
        themes: manifest.themes,
        model: manifest.model,
        job: manifest.job,
    };
    let Some(JobOutput::Report {
        title,
        periods,
        gold,
        comparisons,
        ..
    }) = job
        .outputs
        .iter()
        .find(|o| matches!(o, JobOutput::Report { .. }))
    else {
        panic!("the job has a report");
    };
    let spec = ReportSpec {
        title,
        periods,
        gold,
        comparisons,
    };
    let mut report = build_report(&job, &study, &set, &spec, &context).unwrap();
    assert_eq!(
        report.evidence.len(),
        evidence(&out.join("evidence.csv")).len()
    );
    // The time the page was made, as it shows it.
    let made = format!("statemine {} at ", env!("CARGO_PKG_VERSION"));
    let at = page.find(&made).unwrap() + made.len();
    report.created = page[at..at + page[at..].find('<').unwrap()].to_string();
    let collected = render_report(&report).unwrap();
    assert_eq!(collected.len(), page.len());
    assert!(collected == page, "the pages differ");
    // Only the page, its manifest and the job's other outputs are left in the folder.
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') || n.starts_with("report"))
        .collect();
    names.sort();
    assert_eq!(names, ["report.html", "report.html.manifest.json"]);
}

/// The Chromium binary: `$STATEMINE_CHROMIUM`, else `chromium` or `chromium-browser` on
/// the PATH. `None` (with a message) when there is none outside CI; a failure in CI.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("STATEMINE_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths).find_map(|dir| {
            ["chromium", "chromium-browser"]
                .iter()
                .map(|name| dir.join(name))
                .find(|p| p.is_file())
        })
    });
    if found.is_none() {
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
        assert!(
            !ci,
            "chromium is not installed, and CI is set: the browser test must run in CI (.ci/run installs it)"
        );
        eprintln!("SKIPPED: chromium is not installed; the report's browser test did not run");
    }
    found
}

/// What headless Chromium printed for `url`: the DOM after the page's script ran, and its
/// log (console messages appear as `:CONSOLE` lines).
struct Page {
    dom: String,
    log: String,
}

impl Page {
    /// The value of `<body>`'s attribute `name`.
    fn body(&self, name: &str) -> String {
        let body = &self.dom[self.dom.find("<body").unwrap()..];
        let body = &body[..body.find('>').unwrap()];
        let key = format!(" {name}=\"");
        match body.find(&key) {
            Some(at) => {
                let rest = &body[at + key.len()..];
                rest[..rest.find('"').unwrap()].to_string()
            }
            None => String::new(),
        }
    }

    fn shown(&self) -> usize {
        self.body("data-shown")
            .parse()
            .unwrap_or_else(|_| panic!("{}", self.dom))
    }
}

/// Runs headless Chromium on `url` with `extra` flags, killing it after a minute.
fn headless(chromium: &Path, url: &str, extra: &[&str]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("chromium did not finish within a minute on {url}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn load(chromium: &Path, report: &Path, fragment: &str) -> Page {
    let url = format!("file://{}{fragment}", report.display());
    let (dom, log) = headless(chromium, &url, &["--dump-dom"]);
    let page = Page { dom, log };
    assert_eq!(
        page.body("data-status"),
        "ok",
        "{url}: {}\n{}",
        page.body("data-error"),
        page.log
    );
    let console: Vec<&str> = page
        .log
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .collect();
    assert!(console.is_empty(), "{url}: console messages: {console:#?}");
    assert!(
        !page.dom.contains("data-pwned"),
        "{url}: injected script ran"
    );
    page
}

#[test]
fn the_report_works_in_a_real_browser() {
    let Some(chromium) = chromium() else {
        return;
    };
    let (_dir, out) = run_job();
    let report = out.join("report.html");
    let rows = evidence(&out.join("evidence.csv"));
    let data = island(&std::fs::read_to_string(&report).unwrap());
    let count = |keep: &dyn Fn(&Row) -> bool| rows.iter().filter(|r| keep(r)).count();

    // A chart point with matches: the first period of `talks` whose dates hold one.
    let periods = data["periods"].as_array().unwrap();
    let in_period = |r: &Row, p: &Value| {
        r.date.as_str() >= p["start"].as_str().unwrap()
            && r.date.as_str() <= p["end"].as_str().unwrap()
    };
    let (k, period) = periods
        .iter()
        .enumerate()
        .find(|(_, p)| rows.iter().any(|r| r.theme == "talks" && in_period(r, p)))
        .unwrap();
    let speaker = "Anna Petrova";
    let cases: Vec<(String, usize)> = vec![
        (String::new(), rows.len()),
        ("#theme=talks".into(), count(&|r| r.theme == "talks")),
        (
            format!("#speaker={}", speaker.replace(' ', "+")),
            count(&|r| r.speaker == speaker || r.turn == speaker),
        ),
        (
            format!("#click=talks:{k}"),
            count(&|r| r.theme == "talks" && in_period(r, period)),
        ),
    ];
    let pages: Vec<Page> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .iter()
            .map(|(fragment, _)| scope.spawn(|| load(&chromium, &report, fragment)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for ((fragment, expected), page) in cases.iter().zip(&pages) {
        assert_eq!(
            page.body("data-total"),
            rows.len().to_string(),
            "{fragment}"
        );
        assert_eq!(page.shown(), *expected, "{fragment}");
        // One page of rows at most in the document, never all of them.
        let shown_rows = page.dom.matches(r#"<tr class="ev">"#).count();
        assert_eq!(shown_rows, (*expected).min(50), "{fragment}");
    }
    assert!(cases[1].1 > 0 && cases[1].1 < rows.len());
    assert!(cases[2].1 > 0 && cases[2].1 < rows.len());
    assert!(cases[3].1 > 0);
    // The click set the filter to that theme and period.
    assert_eq!(
        pages[3].body("data-filter"),
        format!("talks|{}||", period["name"].as_str().unwrap())
    );
    // The injected title and text are on the page as text.
    assert!(
        pages[0]
            .dom
            .contains("&lt;script&gt;document.documentElement.dataset.pwned=")
    );

    // The first screen, kept as an artefact.
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-first-screen.png");
    let _ = std::fs::remove_file(&shot);
    let url = format!("file://{}", report.display());
    let screenshot = format!("--screenshot={}", shot.display());
    headless(&chromium, &url, &[&screenshot, "--window-size=1280,900"]);
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[..4], b"\x89PNG");
}
