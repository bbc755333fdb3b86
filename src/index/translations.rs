//! One page published in several languages: `kremlin.ru/events/president/news/53077` and
//! `en.kremlin.ru/events/president/news/53077` are the Russian original and the English
//! translation of one event. Selected together, each version's matches count and the
//! statistics take the two as separate documents, though they are one event.
//!
//! Contract: [`page_key`] gives two URLs the same key exactly when they differ only in the
//! scheme, a `www.` or a language subdomain (`en.`), a leading language folder (`/en/`), a
//! trailing `/` and the case of the host; [`IndexStore::translated_pages`] counts the pages
//! of which the documents a filter selects hold versions in two or more languages, reading
//! the stored metadata of those documents (not their texts), and reads nothing when the
//! filter keeps one language or the index holds one; a filter's `one_version` keeps, of
//! each page with a version in its language, that version alone.

use std::collections::{HashMap, HashSet};

use tantivy::{DocAddress, Searcher, Term};

use super::{DocFilter, IndexError, IndexStore};
use crate::document::Lang;

/// Language codes that name a subdomain or a leading folder of a translated site.
const LANGUAGE_CODES: &[&str] = &[
    "en", "ru", "de", "fr", "es", "it", "pt", "zh", "cn", "ja", "ar", "uk", "eng", "rus",
];

/// The page a URL addresses, whatever the language of its version (see the module
/// contract); `None` for an empty URL or a site's home page (nothing past the host).
pub fn page_key(url: &str) -> Option<String> {
    let url = url.trim();
    let after_scheme = |scheme: &str| {
        url.get(..scheme.len())
            .filter(|s| s.eq_ignore_ascii_case(scheme))
            .map(|_| &url[scheme.len()..])
    };
    let rest = after_scheme("https://")
        .or_else(|| after_scheme("http://"))
        .unwrap_or(url);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let host = match host.split_once('.') {
        Some((first, site)) if site.contains('.') && LANGUAGE_CODES.contains(&first) => site,
        _ => host,
    };
    let path = match path.split_once('/') {
        Some((first, after)) if LANGUAGE_CODES.contains(&first.to_ascii_lowercase().as_str()) => {
            after
        }
        _ => path,
    };
    let path = path.trim_end_matches('/');
    (!host.is_empty() && !path.is_empty()).then(|| format!("{host}/{path}"))
}

/// Pages of a selection held in several languages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TranslatedPages {
    /// Pages with versions in two or more languages among the selected documents.
    pub pages: usize,
    /// The selected documents that are such versions.
    pub documents: usize,
    /// The ids of two versions of one such page (the first page by its smallest id).
    pub example: Option<(String, String)>,
}

/// A selected document's page (when its URL names one), language and id.
struct Version {
    page: Option<String>,
    lang: Lang,
    id: String,
}

/// Which of `versions` a filter's `one_version = lang` keeps: all but those in another
/// language of a page that has one in `lang` among them.
fn kept(versions: &[Version], lang: Lang) -> Vec<bool> {
    let in_lang: HashSet<&str> = versions
        .iter()
        .filter(|v| v.lang == lang)
        .filter_map(|v| v.page.as_deref())
        .collect();
    versions
        .iter()
        .map(|v| v.lang == lang || v.page.as_deref().is_none_or(|p| !in_lang.contains(p)))
        .collect()
}

impl IndexStore {
    /// The page, language and id of each document at `addresses`, from its stored metadata.
    fn versions(
        &self,
        searcher: &Searcher,
        addresses: &[DocAddress],
    ) -> Result<Vec<Version>, IndexError> {
        let bytes = self.scan_doc_bytes_reader(searcher)?;
        addresses
            .iter()
            .map(|&address| {
                let (stored, _) = self.load_bytes(&bytes, address, false)?;
                Ok(Version {
                    page: page_key(&stored.doc.url),
                    lang: stored.doc.lang,
                    id: stored.doc.id,
                })
            })
            .collect()
    }

    /// `addresses` (sorted) without the versions of a page in another language than `lang`
    /// when the page has one in `lang` among them.
    pub(crate) fn one_version_of_each_page(
        &self,
        searcher: &Searcher,
        addresses: Vec<DocAddress>,
        lang: Lang,
    ) -> Result<Vec<DocAddress>, IndexError> {
        let keep = kept(&self.versions(searcher, &addresses)?, lang);
        Ok(addresses
            .into_iter()
            .zip(keep)
            .filter_map(|(address, keep)| keep.then_some(address))
            .collect())
    }

    /// The pages of which the documents `filter` selects hold versions in two or more
    /// languages (see the module contract). The documents' metadata is read once, with a
    /// filter's `one_version` applied to what was read.
    pub fn translated_pages(&self, filter: &DocFilter) -> Result<TranslatedPages, IndexError> {
        if filter.langs.len() == 1 {
            return Ok(TranslatedPages::default());
        }
        let reader = self.scan_reader()?;
        let searcher = reader.searcher();
        // An index of one language holds no page twice: its documents' metadata is not read.
        let mut held = 0;
        for lang in Lang::ALL {
            let term = Term::from_field_text(self.fields().lang, lang.as_str());
            if searcher.doc_freq(&term).map_err(|e| self.engine_error(e))? > 0 {
                held += 1;
            }
        }
        if held < 2 {
            return Ok(TranslatedPages::default());
        }
        let every_version = DocFilter {
            one_version: None,
            ..filter.clone()
        };
        let addresses = self.select(&reader, &every_version)?;
        let mut versions = self.versions(&searcher, &addresses)?;
        if let Some(lang) = filter.one_version {
            let keep = kept(&versions, lang);
            versions = versions
                .into_iter()
                .zip(keep)
                .filter_map(|(version, keep)| keep.then_some(version))
                .collect();
        }
        let mut pages: HashMap<String, Vec<(Lang, String)>> = HashMap::new();
        for version in versions {
            if let Some(page) = version.page {
                pages
                    .entry(page)
                    .or_default()
                    .push((version.lang, version.id));
            }
        }
        let mut found = TranslatedPages::default();
        let mut translated: Vec<Vec<(Lang, String)>> = pages
            .into_values()
            .filter(|versions| versions.iter().any(|(lang, _)| *lang != versions[0].0))
            .collect();
        for versions in &mut translated {
            versions.sort_by(|a, b| a.1.cmp(&b.1));
        }
        translated.sort_by(|a, b| a[0].1.cmp(&b[0].1));
        found.pages = translated.len();
        found.documents = translated.iter().map(Vec::len).sum();
        found.example = translated.first().and_then(|versions| {
            let (lang, first) = &versions[0];
            let other = versions.iter().find(|(l, _)| l != lang)?;
            Some((first.clone(), other.1.clone()))
        });
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn language_versions_of_a_page_share_its_key() {
        let key = page_key("http://kremlin.ru/events/president/news/53077");
        assert_eq!(
            key.as_deref(),
            Some("kremlin.ru/events/president/news/53077")
        );
        for same in [
            "http://en.kremlin.ru/events/president/news/53077",
            "https://en.kremlin.ru/events/president/news/53077/",
            "HTTPS://EN.Kremlin.ru/events/president/news/53077",
            "www.kremlin.ru/events/president/news/53077",
        ] {
            assert_eq!(page_key(same), key, "{same}");
        }
        assert_eq!(
            page_key("https://mid.ru/en/foreign_policy/news/1"),
            page_key("https://mid.ru/ru/foreign_policy/news/1")
        );
        // Other pages, and pages without a path, are not the same page.
        assert_ne!(
            page_key("http://en.kremlin.ru/events/president/news/53078"),
            key
        );
        assert_ne!(page_key("http://en.example.org/a/1"), key);
        assert_eq!(page_key("http://kremlin.ru/"), None);
        assert_eq!(page_key(""), None);
        // A two-label host keeps its first label (`en.org` is no language version of `org`).
        assert_eq!(page_key("http://en.org/a").as_deref(), Some("en.org/a"));
    }

    proptest! {
        #[test]
        fn a_key_ignores_the_language_and_never_panics(
            path in "([0-9][a-z0-9/._-]{0,30})?",
            lang in prop::sample::select(LANGUAGE_CODES),
        ) {
            let plain = page_key(&format!("http://site.example/{path}"));
            prop_assert_eq!(&page_key(&format!("https://{lang}.site.example/{path}")), &plain);
            prop_assert_eq!(&page_key(&format!("http://site.example/{lang}/{path}")), &plain);
        }

        #[test]
        fn any_text_gives_a_key_or_none(url in "\\PC{0,60}") {
            let _ = page_key(&url);
        }
    }
}
