//! End-to-end tests of the search stage on a small index built in a temporary directory.

use chrono::NaiveDate;

use super::*;
use crate::corpus::analyze_structure;
use crate::document::{DocStructure, Kind, Lang, ParagraphTurn, Role};

struct Fixture {
    _dir: tempfile::TempDir,
    store: IndexStore,
}

fn doc(id: &str, date: &str, lang: Lang, speaker: &str, title: &str, text: &str) -> Document {
    Document {
        id: id.into(),
        date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
        title: title.into(),
        speaker: speaker.into(),
        source: if lang == Lang::Ru {
            "mid.ru"
        } else {
            "kremlin.ru"
        }
        .into(),
        kind: Kind::Transcript,
        lang,
        url: format!("http://example.org/{id}"),
        text: text.into(),
        tags: vec![],
        location: None,
    }
}

fn fixture(docs: Vec<(Document, Option<DocStructure>)>) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = IndexStore::open_or_create(dir.path()).unwrap();
    let mut writer = store.writer(1, 15_000_000).unwrap();
    for (doc, structure) in docs {
        let structure = structure.unwrap_or_else(|| analyze_structure(&doc));
        writer
            .add_document(store.to_tantivy(&doc, &structure))
            .unwrap();
    }
    writer.commit().unwrap();
    drop(writer);
    Fixture { _dir: dir, store }
}

fn corpus() -> Fixture {
    let turns = |turns: &[(Option<&str>, Role)]| DocStructure {
        paragraphs: turns
            .iter()
            .map(|(speaker, role)| ParagraphTurn {
                speaker: speaker.map(str::to_string),
                role: *role,
                n_words: 0,
            })
            .collect(),
        ..DocStructure::default()
    };
    fixture(vec![
        (
            doc(
                "en-1",
                "2017-10-04",
                Lang::En,
                "Vladimir Putin",
                "Remarks on the peninsula",
                "Question: Do sanctions work against the North?\nVladimir Putin: Sanctions are useless and ineffective here.",
            ),
            Some(turns(&[
                (Some("Question"), Role::Journalist),
                (Some("Vladimir Putin"), Role::Official),
            ])),
        ),
        (
            doc(
                "en-2",
                "2017-09-05",
                Lang::En,
                "Sergey Lavrov",
                "Sanctions briefing",
                "New sanctions were announced. Useless talk followed for hours.",
            ),
            None,
        ),
        (
            doc(
                "en-3",
                "2017-11-20",
                Lang::En,
                "Vladimir Putin",
                "Talks",
                "The sanctions, in our view, are completely useless.",
            ),
            None,
        ),
        (
            doc(
                "ru-1",
                "2017-10-12",
                Lang::Ru,
                "Мария Захарова",
                "Брифинг",
                "Санкции против Пхеньяна не работают.\nМы призываем к диалогу.",
            ),
            None,
        ),
        (
            doc(
                "ru-2",
                "2018-01-15",
                Lang::Ru,
                "Сергей Лавров",
                "Интервью о санкциях",
                "Новым санкциям мы не удивлены.",
            ),
            None,
        ),
    ])
}

fn ids(fixture: &Fixture, query: &str, request: SearchRequest) -> Vec<String> {
    let mut searcher = IndexSearcher::new(&fixture.store).unwrap();
    let plan = searcher.plan(query).unwrap();
    let mut found: Vec<String> = searcher
        .search(&plan, &request)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.doc.id)
        .collect();
    if request.sort == SortOrder::Score {
        found.sort();
    }
    found
}

fn find(fixture: &Fixture, query: &str) -> Vec<String> {
    ids(fixture, query, SearchRequest::default())
}

#[test]
fn terms_are_stemmed_in_each_language() {
    let f = corpus();
    assert_eq!(find(&f, "sanction"), ["en-1", "en-2", "en-3"]);
    assert_eq!(find(&f, "санкциям"), ["ru-1", "ru-2"]);
    assert_eq!(
        find(&f, "sanction OR санкция"),
        ["en-1", "en-2", "en-3", "ru-1", "ru-2"]
    );
}

#[test]
fn phrases_need_adjacent_words_and_slop_loosens_them() {
    let f = corpus();
    assert_eq!(find(&f, "sanctions useless"), ["en-1", "en-2", "en-3"]);
    assert_eq!(find(&f, "\"sanctions are useless\""), ["en-1"]);
    assert_eq!(find(&f, "\"sanctions useless\""), Vec::<String>::new());
    // Distances between `sanctions` and `useless`: en-1 one word, en-2 two, en-3 five.
    assert_eq!(find(&f, "\"sanctions useless\"~1"), ["en-1"]);
    assert_eq!(find(&f, "\"sanctions useless\"~2"), ["en-1", "en-2"]);
    assert_eq!(find(&f, "\"sanctions useless\"~4"), ["en-1", "en-2"]);
    assert_eq!(
        find(&f, "\"sanctions useless\"~5"),
        ["en-1", "en-2", "en-3"]
    );
}

#[test]
fn the_highlighter_agrees_with_the_engine_on_slop() {
    let f = corpus();
    let mut searcher = IndexSearcher::new(&f.store).unwrap();
    for slop in 0..8 {
        let plan = searcher
            .plan(&format!("\"sanctions useless\"~{slop}"))
            .unwrap();
        for hit in searcher
            .search(&plan, &SearchRequest::default())
            .unwrap()
            .hits
        {
            let highlighted = hit.passages.iter().any(|p| !p.highlights.is_empty());
            assert!(
                highlighted,
                "slop {slop}: {} has no highlighted phrase",
                hit.doc.id
            );
        }
    }
}

#[test]
fn boolean_operators_and_fields() {
    let f = corpus();
    assert_eq!(find(&f, "sanctions NOT useless"), Vec::<String>::new());
    assert_eq!(find(&f, "sanctions -ineffective"), ["en-2", "en-3"]);
    assert_eq!(find(&f, "NOT sanctions"), ["ru-1", "ru-2"]);
    assert_eq!(
        find(&f, "(hours OR ineffective) +useless"),
        ["en-1", "en-2"]
    );
    assert_eq!(find(&f, "title:sanctions"), ["en-2"]);
    assert_eq!(
        find(&f, "text:sanctions -title:sanctions"),
        ["en-1", "en-3"]
    );
    assert_eq!(find(&f, "speaker:putin"), ["en-1", "en-3"]);
    assert_eq!(
        find(&f, "speaker:\"vladimir putin\" sanctions"),
        ["en-1", "en-3"]
    );
    assert_eq!(find(&f, "source:mid"), ["ru-1", "ru-2"]);
    assert_eq!(find(&f, "lang:ru"), ["ru-1", "ru-2"]);
    assert_eq!(find(&f, "kind:transcript lang:en -speaker:putin"), ["en-2"]);
    assert_eq!(find(&f, "sanc* -lang:en"), Vec::<String>::new());
    assert_eq!(find(&f, "санкц*"), ["ru-1", "ru-2"]);
    assert_eq!(find(&f, "pyongyang OR пхеньян"), ["ru-1"]);
}

#[test]
fn filters_combine_with_the_query() {
    let f = corpus();
    let request = |filter| SearchRequest {
        filter,
        ..SearchRequest::default()
    };
    let october = DocFilter {
        from: NaiveDate::from_ymd_opt(2017, 10, 1),
        to: NaiveDate::from_ymd_opt(2017, 10, 31),
        ..DocFilter::default()
    };
    assert_eq!(
        ids(&f, "sanctions OR санкции", request(october)),
        ["en-1", "ru-1"]
    );
    let lavrov = DocFilter {
        speakers: vec!["Sergey Lavrov".into(), "сергей лавров".into()],
        ..DocFilter::default()
    };
    assert_eq!(
        ids(&f, "sanctions OR санкции", request(lavrov)),
        ["en-2", "ru-2"]
    );
}

#[test]
fn one_searcher_answers_a_batch_with_changing_filters_as_fresh_ones_do() {
    let f = corpus();
    let october = DocFilter {
        from: NaiveDate::from_ymd_opt(2017, 10, 1),
        to: NaiveDate::from_ymd_opt(2017, 10, 31),
        ..DocFilter::default()
    };
    let lavrov = DocFilter {
        speakers: vec!["Sergey Lavrov".into()],
        ..DocFilter::default()
    };
    let batch = [
        ("sanctions OR санкции", october.clone()),
        ("sanctions OR санкции", october),
        ("sanction* OR санкц*", lavrov.clone()),
        ("sanctions OR санкции", DocFilter::default()),
        ("sanction* OR санкц*", lavrov),
    ];
    let mut searcher = IndexSearcher::new(&f.store).unwrap();
    for (query, filter) in batch {
        let request = SearchRequest {
            filter,
            total: true,
            ..SearchRequest::default()
        };
        let plan = searcher.plan(query).unwrap();
        let results = searcher.search(&plan, &request).unwrap();
        let mut found: Vec<String> = results.hits.into_iter().map(|h| h.doc.id).collect();
        found.sort();
        assert_eq!(
            found,
            ids(&f, query, request.clone()),
            "{query} {:?}",
            request.filter
        );
        assert_eq!(results.total, Some(found.len() as u64));
    }
}

#[test]
fn sort_by_date_both_ways_with_offset_and_limit() {
    let f = corpus();
    let request = |sort, offset, limit| SearchRequest {
        sort,
        offset,
        limit,
        ..SearchRequest::default()
    };
    assert_eq!(
        ids(&f, "sanctions", request(SortOrder::Date, 0, None)),
        ["en-2", "en-1", "en-3"]
    );
    assert_eq!(
        ids(&f, "sanctions", request(SortOrder::DateDesc, 1, Some(1))),
        ["en-1"]
    );
    let mut searcher = IndexSearcher::new(&f.store).unwrap();
    let plan = searcher
        .plan("\"sanctions are useless\" OR sanctions")
        .unwrap();
    // en-2 has `sanctions` in its title (boosted), en-1 the phrase: both outrank en-3.
    let results = searcher
        .search(
            &plan,
            &SearchRequest {
                total: true,
                limit: Some(1),
                ..SearchRequest::default()
            },
        )
        .unwrap();
    assert_eq!(results.total, Some(3));
    assert_eq!(results.hits.len(), 1);
    assert_ne!(results.hits[0].doc.id, "en-3");
}

#[test]
fn hits_carry_highlighted_passages_and_title_highlights() {
    let f = corpus();
    let mut searcher = IndexSearcher::new(&f.store).unwrap();
    let plan = searcher
        .plan("\"sanctions are useless\" OR peninsula")
        .unwrap();
    let hit = searcher
        .search(&plan, &SearchRequest::default())
        .unwrap()
        .hits
        .remove(0);
    assert_eq!(hit.doc.id, "en-1");
    assert_eq!(&hit.doc.title[hit.title_highlights[0].clone()], "peninsula");
    let passage = &hit.passages[0];
    assert_eq!(passage.para, 1);
    assert_eq!(
        &passage.text[passage.highlights[0].clone()],
        "Sanctions are useless"
    );

    let plan = searcher.plan("speaker:putin").unwrap();
    let hits = searcher
        .search(&plan, &SearchRequest::default())
        .unwrap()
        .hits;
    assert!(
        hits.iter()
            .all(|h| h.passages.len() == 1 && h.passages[0].highlights.is_empty())
    );

    let none = SearchRequest {
        passages: 0,
        ..SearchRequest::default()
    };
    assert!(
        searcher.search(&plan, &none).unwrap().hits[0]
            .passages
            .is_empty()
    );
}

#[test]
fn a_hit_carries_its_text_when_asked_and_is_otherwise_the_same() {
    let f = corpus();
    let mut stored = std::collections::HashMap::new();
    f.store
        .for_each_document(&DocFilter::default(), |d| -> Result<(), SearchError> {
            stored.insert(d.doc.id.clone(), d.doc);
            Ok(())
        })
        .unwrap();
    let mut searcher = IndexSearcher::new(&f.store).unwrap();
    let mut checked = 0;
    for query in ["sanctions OR санкции", "санкции", "speaker:putin"] {
        let plan = searcher.plan(query).unwrap();
        for passages in [0, 3] {
            for roles in [vec![], vec![Role::Official], vec![Role::Narration]] {
                let request = |text| SearchRequest {
                    turns: TurnFilter {
                        roles: roles.clone(),
                        ..TurnFilter::default()
                    },
                    passages,
                    text,
                    total: true,
                    ..SearchRequest::default()
                };
                let with_text = searcher.search(&plan, &request(true)).unwrap();
                for hit in &with_text.hits {
                    assert_eq!(hit.doc, stored[&hit.doc.id], "{query}");
                    assert_eq!(hit.passages.is_empty(), passages == 0);
                }
                let mut expected = with_text;
                for hit in &mut expected.hits {
                    hit.doc.text.clear();
                }
                assert_eq!(searcher.search(&plan, &request(false)).unwrap(), expected);
                checked += expected.hits.len();
            }
        }
    }
    assert!(checked > 20, "{checked}");
}

#[test]
fn turn_filters_keep_what_the_speaker_said() {
    let f = corpus();
    let turns = |speakers: &[&str], roles: &[Role]| SearchRequest {
        turns: TurnFilter {
            speakers: speakers.iter().map(|s| s.to_string()).collect(),
            roles: roles.to_vec(),
            ..TurnFilter::default()
        },
        total: true,
        ..SearchRequest::default()
    };
    assert_eq!(ids(&f, "sanctions", turns(&["putin"], &[])), ["en-1"]);
    assert_eq!(
        ids(&f, "north", turns(&["putin"], &[])),
        Vec::<String>::new()
    );
    assert_eq!(ids(&f, "north", turns(&[], &[Role::Journalist])), ["en-1"]);

    let mut searcher = IndexSearcher::new(&f.store).unwrap();
    let plan = searcher.plan("sanctions").unwrap();
    let results = searcher
        .search(&plan, &turns(&[], &[Role::Journalist]))
        .unwrap();
    assert_eq!(results.total, Some(1));
    assert_eq!(
        results.hits[0].passages[0].para, 0,
        "passages come from the accepted turn"
    );
    let putin = TurnFilter {
        speakers: vec!["putin".into()],
        ..TurnFilter::default()
    };
    assert_eq!(
        searcher
            .count(&plan, &DocFilter::default(), &putin)
            .unwrap(),
        1
    );
    let by_month = searcher
        .count_by(&plan, &DocFilter::default(), &putin, GroupBy::Month)
        .unwrap();
    assert_eq!(
        by_month,
        [GroupCount {
            key: "2017-10".into(),
            count: 1
        }]
    );
}

#[test]
fn the_plan_of_every_document_selects_what_the_filters_select() {
    let f = corpus();
    let mut searcher = IndexSearcher::new(&f.store).unwrap();
    let every = crate::query::Plan::every_document();
    let none = TurnFilter::default();
    let all = searcher
        .count(&every, &DocFilter::default(), &none)
        .unwrap();
    assert_eq!(all, searcher.num_docs());
    assert!(all > 1);
    let russian = DocFilter {
        langs: vec![Lang::Ru],
        ..DocFilter::default()
    };
    let lang_ru = searcher.plan("lang:ru").unwrap();
    assert_eq!(
        searcher.count(&every, &russian, &none).unwrap(),
        searcher
            .count(&lang_ru, &DocFilter::default(), &none)
            .unwrap()
    );
    let request = SearchRequest {
        filter: russian,
        limit: None,
        ..SearchRequest::default()
    };
    let hits = searcher.search(&every, &request).unwrap();
    assert!(hits.hits.iter().all(|h| h.doc.lang == Lang::Ru));
    assert!(!hits.hits.is_empty());
}

#[test]
fn counts_in_total_and_by_group_from_fast_fields() {
    let f = corpus();
    let mut searcher = IndexSearcher::new(&f.store).unwrap();
    let plan = searcher.plan("sanctions OR санкции").unwrap();
    let none = TurnFilter::default();
    let filter = DocFilter::default();
    assert_eq!(searcher.count(&plan, &filter, &none).unwrap(), 5);
    let row = |key: &str, count| GroupCount {
        key: key.into(),
        count,
    };
    assert_eq!(
        searcher
            .count_by(&plan, &filter, &none, GroupBy::Year)
            .unwrap(),
        [row("2017", 4), row("2018", 1)]
    );
    assert_eq!(
        searcher
            .count_by(&plan, &filter, &none, GroupBy::Month)
            .unwrap(),
        [
            row("2017-09", 1),
            row("2017-10", 2),
            row("2017-11", 1),
            row("2018-01", 1)
        ]
    );
    assert_eq!(
        searcher
            .count_by(&plan, &filter, &none, GroupBy::Speaker)
            .unwrap(),
        // Every name of a registry person counts under the person's name.
        [
            row("Sergei Lavrov", 2),
            row("Vladimir Putin", 2),
            row("Maria Zakharova", 1)
        ]
    );
    assert_eq!(
        searcher
            .count_by(&plan, &filter, &none, GroupBy::Source)
            .unwrap(),
        [row("kremlin.ru", 3), row("mid.ru", 2)]
    );
}

#[test]
fn an_empty_index_answers_nothing() {
    let f = fixture(vec![]);
    assert!(find(&f, "korea").is_empty());
    let mut searcher = IndexSearcher::new(&f.store).unwrap();
    let plan = searcher.plan("korea").unwrap();
    let none = TurnFilter::default();
    assert_eq!(
        searcher.count(&plan, &DocFilter::default(), &none).unwrap(),
        0
    );
    assert!(
        searcher
            .count_by(&plan, &DocFilter::default(), &none, GroupBy::Speaker)
            .unwrap()
            .is_empty()
    );
}
