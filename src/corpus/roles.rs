//! Guessing who a speaker is (Russian official, journalist, foreign official, other) from
//! the words of a speaker label or of the phrase that introduces a name in the text.
//!
//! The guess is a table lookup, in this order: journalist words (`Question`, `Moderator`,
//! `anchor`, `Вопрос` ...); well-known people of the period (Russian officials, foreign
//! leaders) matched by first initial and surname; the first country named in the title
//! (`of Russia`, `Russian` → official; `of Japan`, `French` → foreign); Russian official
//! titles (`Minister`, `Governor`, `State Duma`, `губернатор` ...); business and other
//! titles (`CEO`, `Rector` ...) → other. The tables are data: extend them rather than the
//! code. A label with none of these cues gives no guess; the caller decides (see
//! [`super::turns`]).

use crate::document::Role;

/// Words that make the speaker a journalist or moderator (lowercase; plurals are folded).
const JOURNALIST_WORDS: &[&str] = &[
    "question",
    "questions",
    "remark",
    "moderator",
    "anchor",
    "host",
    "journalist",
    "correspondent",
    "reporter",
    "presenter",
    "interviewer",
    "editor",
    "editor-in-chief",
    "commentator",
    "вопрос",
    "реплика",
    "ведущий",
    "ведущая",
    "модератор",
    "журналист",
    "корреспондент",
];

/// Well-known Russian officials of the period: `(first name, surname)` in both scripts.
const RUSSIAN_OFFICIALS: &[(&str, &str)] = &[
    ("Vladimir", "Putin"),
    ("Dmitry", "Medvedev"),
    ("Sergei", "Lavrov"),
    ("Dmitry", "Peskov"),
    ("Maria", "Zakharova"),
    ("Sergei", "Shoigu"),
    ("Yury", "Ushakov"),
    ("Valentina", "Matviyenko"),
    ("Vyacheslav", "Volodin"),
    ("Anton", "Siluanov"),
    ("Maxim", "Oreshkin"),
    ("Elvira", "Nabiullina"),
    ("Sergei", "Sobyanin"),
    ("Dmitry", "Kozak"),
    ("Olga", "Golodets"),
    ("Arkady", "Dvorkovich"),
    ("Dmitry", "Rogozin"),
    ("Vitaly", "Mutko"),
    ("Igor", "Shuvalov"),
    ("Alexander", "Khloponin"),
    ("Yury", "Trutnev"),
    ("Sergei", "Prikhodko"),
    ("Alexander", "Tkachev"),
    ("Denis", "Manturov"),
    ("Sergei", "Donskoy"),
    ("Maxim", "Sokolov"),
    ("Vladimir", "Puchkov"),
    ("Vladimir", "Kolokoltsev"),
    ("Alexander", "Bortnikov"),
    ("Veronika", "Skvortsova"),
    ("Maxim", "Topilin"),
    ("Vladimir", "Medinsky"),
    ("Alexander", "Novak"),
    ("Pavel", "Kolobkov"),
    ("Nikolai", "Nikiforov"),
    ("Olga", "Vasilyeva"),
    ("Alexander", "Konovalov"),
    ("Mikhail", "Men"),
    ("Alexander", "Galushka"),
    ("Mikhail", "Abyzov"),
    ("Sergei", "Ivanov"),
    ("Anton", "Vaino"),
    ("Sergei", "Kiriyenko"),
    ("Nikolai", "Patrushev"),
    ("Sergei", "Naryshkin"),
    ("Valery", "Gerasimov"),
    ("Yury", "Chaika"),
    ("Alexander", "Bastrykin"),
    ("Tatyana", "Golikova"),
    ("Tatyana", "Moskalkova"),
    ("Ella", "Pamfilova"),
    ("Andrei", "Belousov"),
    ("Alexei", "Kudrin"),
    ("Sergei", "Ryabkov"),
    ("Grigory", "Karasin"),
    ("Igor", "Morgulov"),
    ("Vasily", "Nebenzya"),
    ("Vitaly", "Churkin"),
    ("Sergei", "Kislyak"),
    ("Konstantin", "Kosachev"),
    ("Mikhail", "Mishustin"),
    ("Vladimir", "Zhirinovsky"),
    ("Gennady", "Zyuganov"),
    ("Sergei", "Mironov"),
    ("Владимир", "Путин"),
    ("Дмитрий", "Медведев"),
    ("Сергей", "Лавров"),
    ("Дмитрий", "Песков"),
    ("Мария", "Захарова"),
    ("Сергей", "Шойгу"),
    ("Юрий", "Ушаков"),
    ("Валентина", "Матвиенко"),
    ("Вячеслав", "Володин"),
    ("Михаил", "Мишустин"),
    ("Антон", "Силуанов"),
    ("Андрей", "Белоусов"),
    ("Эльвира", "Набиуллина"),
    ("Сергей", "Собянин"),
    ("Сергей", "Кириенко"),
    ("Антон", "Вайно"),
    ("Сергей", "Рябков"),
];

/// Well-known foreign heads of state, government and foreign ministers of the period.
const FOREIGN_OFFICIALS: &[(&str, &str)] = &[
    ("Xi", "Jinping"),
    ("Li", "Keqiang"),
    ("Wang", "Yi"),
    ("Shinzo", "Abe"),
    ("Fumio", "Kishida"),
    ("Taro", "Kono"),
    ("Moon", "Jae-in"),
    ("Park", "Geun-hye"),
    ("Kang", "Kyung-wha"),
    ("Kim", "Jong-un"),
    ("Donald", "Trump"),
    ("Rex", "Tillerson"),
    ("Barack", "Obama"),
    ("John", "Kerry"),
    ("Emmanuel", "Macron"),
    ("Francois", "Hollande"),
    ("François", "Hollande"),
    ("Angela", "Merkel"),
    ("Frank-Walter", "Steinmeier"),
    ("Sigmar", "Gabriel"),
    ("Theresa", "May"),
    ("Boris", "Johnson"),
    ("Recep", "Erdogan"),
    ("Nursultan", "Nazarbayev"),
    ("Alexander", "Lukashenko"),
    ("Serzh", "Sargsyan"),
    ("Almazbek", "Atambayev"),
    ("Sooronbay", "Jeenbekov"),
    ("Shavkat", "Mirziyoyev"),
    ("Emomali", "Rahmon"),
    ("Ilham", "Aliyev"),
    ("Gurbanguly", "Berdimuhamedov"),
    ("Igor", "Dodon"),
    ("Hassan", "Rouhani"),
    ("Benjamin", "Netanyahu"),
    ("Reuven", "Rivlin"),
    ("Mahmoud", "Abbas"),
    ("Bashar", "al-Assad"),
    ("Abdel", "el-Sisi"),
    ("Narendra", "Modi"),
    ("Sauli", "Niinistö"),
    ("Gudni", "Johannesson"),
    ("Paolo", "Gentiloni"),
    ("Sergio", "Mattarella"),
    ("Milos", "Zeman"),
    ("Viktor", "Orban"),
    ("Rodrigo", "Duterte"),
    ("Nguyen", "Phuc"),
    ("Tran", "Quang"),
    ("Khaltmaagiin", "Battulga"),
    ("Christian", "Kern"),
    ("Mariano", "Rajoy"),
    ("Nicolas", "Maduro"),
    ("Michel", "Temer"),
    ("Jacob", "Zuma"),
    ("Omar", "al-Bashir"),
    ("Joko", "Widodo"),
    ("Aleksandar", "Vucic"),
    ("Rumen", "Radev"),
    ("Alexis", "Tsipras"),
    ("Nicos", "Anastasiades"),
    ("Raul", "Castro"),
    ("Evo", "Morales"),
    ("Си", "Цзиньпин"),
    ("Синдзо", "Абэ"),
    ("Мун", "Чжэ Ин"),
    ("Дональд", "Трамп"),
    ("Эммануэль", "Макрон"),
    ("Ангела", "Меркель"),
    ("Реджеп", "Эрдоган"),
    ("Александр", "Лукашенко"),
    ("Нурсултан", "Назарбаев"),
    ("Эмомали", "Рахмон"),
];

/// Names (lowercase) that mean Russia in a title.
const RUSSIA_WORDS: &[&str] = &[
    "russia",
    "russian",
    "russia's",
    "russia’s",
    "россии",
    "российской",
    "российский",
    "рф",
];

/// Foreign countries, multi-word ones included (lowercase, as written in titles).
const COUNTRIES: &[&str] = &[
    "abkhazia",
    "afghanistan",
    "albania",
    "algeria",
    "angola",
    "argentina",
    "armenia",
    "australia",
    "austria",
    "azerbaijan",
    "bahrain",
    "bangladesh",
    "belarus",
    "belgium",
    "bolivia",
    "brazil",
    "bulgaria",
    "cambodia",
    "canada",
    "chile",
    "china",
    "colombia",
    "croatia",
    "cuba",
    "cyprus",
    "czech republic",
    "denmark",
    "ecuador",
    "egypt",
    "estonia",
    "ethiopia",
    "finland",
    "france",
    "georgia",
    "germany",
    "greece",
    "hungary",
    "iceland",
    "india",
    "indonesia",
    "iran",
    "iraq",
    "ireland",
    "israel",
    "italy",
    "japan",
    "jordan",
    "kazakhstan",
    "kenya",
    "korea",
    "kuwait",
    "kyrgyzstan",
    "laos",
    "latvia",
    "lebanon",
    "libya",
    "lithuania",
    "luxembourg",
    "malaysia",
    "mexico",
    "moldova",
    "mongolia",
    "montenegro",
    "morocco",
    "myanmar",
    "nepal",
    "netherlands",
    "new zealand",
    "nicaragua",
    "nigeria",
    "norway",
    "oman",
    "pakistan",
    "palestine",
    "peru",
    "philippines",
    "poland",
    "portugal",
    "qatar",
    "romania",
    "rwanda",
    "saudi arabia",
    "serbia",
    "singapore",
    "slovakia",
    "slovenia",
    "south africa",
    "south ossetia",
    "spain",
    "sri lanka",
    "sudan",
    "sweden",
    "switzerland",
    "syria",
    "tajikistan",
    "thailand",
    "tunisia",
    "turkey",
    "turkmenistan",
    "uganda",
    "ukraine",
    "united arab emirates",
    "united kingdom",
    "united states",
    "usa",
    "us",
    "u.s.",
    "uk",
    "uruguay",
    "uzbekistan",
    "venezuela",
    "vietnam",
    "viet nam",
    "yemen",
    "zimbabwe",
    "european commission",
    "european council",
    "european union",
    "eu",
    "франции",
    "германии",
    "японии",
    "китая",
    "кнр",
    "сша",
    "кореи",
    "кндр",
    "турции",
    "индии",
    "ирана",
    "израиля",
    "италии",
    "белоруссии",
    "беларуси",
    "казахстана",
    "армении",
    "азербайджана",
    "узбекистана",
    "киргизии",
    "таджикистана",
    "молдавии",
    "монголии",
    "вьетнама",
    "сирии",
    "египта",
    "финляндии",
];

/// Nationality adjectives of foreign countries (lowercase).
const DEMONYMS: &[&str] = &[
    "american",
    "british",
    "chinese",
    "japanese",
    "french",
    "german",
    "italian",
    "turkish",
    "indian",
    "iranian",
    "israeli",
    "syrian",
    "egyptian",
    "korean",
    "kazakh",
    "belarusian",
    "ukrainian",
    "armenian",
    "azerbaijani",
    "uzbek",
    "kyrgyz",
    "tajik",
    "turkmen",
    "moldovan",
    "georgian",
    "finnish",
    "austrian",
    "spanish",
    "portuguese",
    "greek",
    "hungarian",
    "czech",
    "slovak",
    "polish",
    "serbian",
    "bulgarian",
    "romanian",
    "swiss",
    "dutch",
    "belgian",
    "swedish",
    "norwegian",
    "danish",
    "icelandic",
    "canadian",
    "mexican",
    "brazilian",
    "argentine",
    "venezuelan",
    "cuban",
    "vietnamese",
    "mongolian",
    "indonesian",
    "malaysian",
    "thai",
    "filipino",
    "australian",
    "saudi",
    "emirati",
    "qatari",
    "jordanian",
    "lebanese",
    "iraqi",
    "afghan",
    "pakistani",
    "palestinian",
    "libyan",
    "sudanese",
    "nigerian",
    "algerian",
    "moroccan",
    "tunisian",
    "cypriot",
    "croatian",
    "estonian",
    "latvian",
    "lithuanian",
    "irish",
    "european",
];

/// Titles of Russian officials when no foreign country is named (lowercase words or
/// phrases). A bare `President` or `Director` is not here: they are also company titles.
const OFFICIAL_TITLES: &[&str] = &[
    "minister",
    "deputy prime minister",
    "prime minister",
    "governor",
    "mayor",
    "state duma",
    "duma",
    "federation council",
    "presidential",
    "kremlin",
    "press secretary",
    "aide",
    "prosecutor",
    "ombudsman",
    "commissioner",
    "head of the republic",
    "region",
    "territory",
    "federal",
    "central bank",
    "accounts chamber",
    "security council",
    "investigative committee",
    "central election commission",
    "faction",
    "senator",
    "plenipotentiary",
    "envoy",
    "ambassador",
    "agency",
    "colonel",
    "lieutenant",
    "major",
    "admiral",
    "captain",
    "sergeant",
    "commander",
    "marshal",
    "army general",
    "chief of the general staff",
    "министр",
    "губернатор",
    "глава",
    "мэр",
    "председатель правительства",
    "помощник президента",
    "пресс-секретарь",
    "полномочный представитель",
    "генеральный прокурор",
    "депутат",
    "сенатор",
    "председатель государственной думы",
    "председатель совета федерации",
];

/// Titles of state office that make a foreigner a foreign official (lowercase).
const STATE_TITLES: &[&str] = &[
    "president",
    "prime minister",
    "premier",
    "chancellor",
    "minister",
    "king",
    "queen",
    "emir",
    "sultan",
    "crown prince",
    "ambassador",
    "secretary of state",
    "head of state",
    "head of government",
    "vice president",
    "speaker",
    "parliament",
    "senator",
    "governor",
    "general secretary",
    "state councillor",
    "leader",
    "президент",
    "премьер-министр",
    "министр",
    "канцлер",
    "король",
    "посол",
    "председатель",
];

/// Titles that make the speaker someone else: business, church, academia, civil society.
const OTHER_TITLES: &[&str] = &[
    "ceo",
    "chairman of the board",
    "management board",
    "board of directors",
    "company",
    "corporation",
    "holding",
    "rector",
    "professor",
    "student",
    "archpriest",
    "patriarch",
    "metropolitan",
    "priest",
    "mufti",
    "rabbi",
    "director general",
    "secretary general",
    "founder",
    "entrepreneur",
    "businessman",
    "expert",
    "scientist",
    "teacher",
    "doctor",
    "participant",
    "resident",
    "veteran",
    "athlete",
    "coach",
    "artist",
    "actor",
    "writer",
];

/// Folds a word for table lookups: lowercase, typographic apostrophe as ASCII, no
/// surrounding punctuation.
fn fold(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric() && c != '.')
        .trim_end_matches('.')
        .to_lowercase()
        .replace('’', "'")
}

/// Lowercase words of `text`, folded, for cue lookups.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',')
        .map(fold)
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether `phrase` (one or more lowercase words) occurs as whole words in `words`.
fn contains_phrase(words: &[String], phrase: &str) -> bool {
    let wanted: Vec<&str> = phrase.split(' ').collect();
    words.windows(wanted.len()).any(|w| {
        w.iter().zip(&wanted).all(|(have, want)| {
            have == want || (want.len() > 3 && have.strip_suffix('s') == Some(*want))
        })
    })
}

/// The role of a well-known person, matched on surname and first initial.
pub(crate) fn known_person(name: &str) -> Option<Role> {
    let tokens: Vec<&str> = name.split_whitespace().collect();
    let (first, last) = match tokens.as_slice() {
        [] => return None,
        // `В.Путин`, `С.В.Лавров`: initials glued to the surname.
        [one] => {
            let (initials, surname) = one.rsplit_once('.')?;
            (initials, surname)
        }
        [first, .., last] => (*first, *last),
    };
    let initial = first.chars().next()?;
    let matches = |table: &[(&str, &str)]| {
        table.iter().any(|(f, l)| {
            let surname_matches = l.eq_ignore_ascii_case(last)
                || l.to_lowercase() == last.to_lowercase()
                || (l.contains(' ') && name.ends_with(l));
            surname_matches && f.starts_with(initial)
        })
    };
    if matches(RUSSIAN_OFFICIALS) {
        Some(Role::Official)
    } else if matches(FOREIGN_OFFICIALS) {
        Some(Role::Foreign)
    } else {
        None
    }
}

/// The well-known person named first in `text` (`Vladimir Putin sent greetings ...`),
/// with their role.
pub(crate) fn first_known_person(text: &str) -> Option<(String, Role)> {
    [
        (RUSSIAN_OFFICIALS, Role::Official),
        (FOREIGN_OFFICIALS, Role::Foreign),
    ]
    .iter()
    .flat_map(|(table, role)| {
        table.iter().filter_map(move |(first, last)| {
            let name = format!("{first} {last}");
            text.find(&name).map(|at| (at, name, *role))
        })
    })
    .min_by_key(|(at, _, _)| *at)
    .map(|(_, name, role)| (name, role))
}

/// Whether `word` names a country (Russia included), as opposed to a person.
pub(crate) fn is_country(word: &str) -> bool {
    let word = fold(word);
    RUSSIA_WORDS.contains(&word.as_str()) || COUNTRIES.contains(&word.as_str())
}

/// Journalist words in `text` (a label or a title).
pub(crate) fn has_journalist_word(text: &str) -> bool {
    words(text).iter().any(|w| {
        JOURNALIST_WORDS.contains(&w.as_str())
            || JOURNALIST_WORDS
                .iter()
                .any(|j| j.len() > 3 && w.strip_suffix('s') == Some(j))
    })
}

/// The role that the words of a title imply (`President of France`, `Finance Minister`),
/// or `None` when they name no cue. `name` is the person's name, when known.
pub fn guess_role(title: &str, name: Option<&str>) -> Option<Role> {
    guess(title, name, true)
}

/// Like [`guess_role`] for the words that introduce a name in running text, where
/// `Russian` describes anyone (`Russian chess player`) and so is not a cue.
pub(crate) fn guess_role_in_text(words_before: &str) -> Option<Role> {
    guess(words_before, None, false)
}

fn guess(title: &str, name: Option<&str>, russia_is_a_cue: bool) -> Option<Role> {
    if has_journalist_word(title) {
        return Some(Role::Journalist);
    }
    if let Some(role) = name.and_then(known_person) {
        return Some(role);
    }
    let words = words(title);
    let has = |table: &[&str]| table.iter().any(|t| contains_phrase(&words, t));
    // Business, church and academia first: `Russian Railways CEO` is not an official.
    if has(OTHER_TITLES) {
        return Some(Role::Other);
    }
    // The first country named decides: `Russian Ambassador to Japan` is an official,
    // `Ambassador of Japan to Russia` a foreigner; a foreigner without a state title
    // (`Chairman of German Committee on ...`) is someone else.
    for (i, word) in words.iter().enumerate() {
        if RUSSIA_WORDS.contains(&word.as_str()) {
            if russia_is_a_cue {
                return Some(Role::Official);
            }
            continue;
        }
        let rest = &words[i..];
        let foreign = DEMONYMS.contains(&word.as_str())
            || COUNTRIES.iter().any(|c| {
                let n = c.split(' ').count();
                rest.len() >= n && contains_phrase(&rest[..n], c)
            });
        if foreign {
            return Some(if has(STATE_TITLES) {
                Role::Foreign
            } else {
                Role::Other
            });
        }
    }
    if has(OFFICIAL_TITLES) {
        return Some(Role::Official);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journalists_by_label_word() {
        for title in [
            "Question",
            "Remark",
            "Moderator",
            "CNBC TV anchor",
            "Panel moderator, NBC host",
            "Вопрос",
            "Реплика",
        ] {
            assert_eq!(guess_role(title, None), Some(Role::Journalist), "{title}");
        }
    }

    #[test]
    fn well_known_people_by_name() {
        for name in [
            "Vladimir Putin",
            "Dmitry Peskov",
            "Sergei Lavrov",
            "Maria Zakharova",
            "Sergey Shoigu",
            "В.Путин",
            "С.В.Лавров",
            "М.Захарова",
        ] {
            assert_eq!(guess_role("", Some(name)), Some(Role::Official), "{name}");
        }
        for name in [
            "Shinzo Abe",
            "Xi Jinping",
            "Moon Jae-in",
            "Recep Tayyip Erdogan",
            "Emmanuel Macron",
        ] {
            assert_eq!(guess_role("", Some(name)), Some(Role::Foreign), "{name}");
        }
        assert_eq!(
            guess_role("", Some("Andrei Medvedev")),
            None,
            "same surname, other person"
        );
        assert_eq!(guess_role("", Some("Jane Doe")), None);
    }

    #[test]
    fn the_first_country_named_decides() {
        for title in [
            "President of Russia",
            "Foreign Minister of Russia",
            "Russian Ambassador to Japan",
            "Президент Российской Федерации",
        ] {
            assert_eq!(guess_role(title, None), Some(Role::Official), "{title}");
        }
        for title in [
            "President of France",
            "Prime Minister of Japan",
            "President of the People’s Republic of China",
            "German Minister of Foreign Affairs",
            "President of the United States of America",
            "Ambassador of Japan to Russia",
        ] {
            assert_eq!(guess_role(title, None), Some(Role::Foreign), "{title}");
        }
    }

    #[test]
    fn russian_titles_and_other_titles() {
        for title in [
            "Finance Minister",
            "Moscow Mayor",
            "Rostov Region Governor",
            "State Duma Speaker",
            "Colonel General",
            "губернатор Калужской области",
        ] {
            assert_eq!(guess_role(title, None), Some(Role::Official), "{title}");
        }
        for title in [
            "Rostec State Corporation CEO",
            "Sberbank CEO and Chairman of the Board",
            "OPEC Secretary General",
            "Archpriest",
        ] {
            assert_eq!(guess_role(title, None), Some(Role::Other), "{title}");
        }
        assert_eq!(guess_role("FIFA President", None), None);
        assert_eq!(guess_role("", None), None);
    }
}
