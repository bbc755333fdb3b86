//! Publication dates as analysts' exports write them, parsed into a calendar date.
//!
//! Accepted forms: ISO `2017-09-05`; RFC 3339 / ISO timestamps with or without an offset
//! (`2017-09-05T23:30:00+09:00`), whose date is taken *as written* (the local date of the
//! statement, not converted to UTC, so a statement made in Tokyo late at night keeps its
//! Tokyo date); English `September 5, 2017`, `Sep 5, 2017`, `Sept. 5, 2017`,
//! `5 September 2017`; dotted day-first `05.09.2017` (the Russian and European order); and
//! Russian month names, `5 сентября 2017` (optionally followed by `г.` or `года`).
//!
//! Contract: either a valid calendar date or a [`DateError`] saying what was not understood;
//! `31.02.2017` is an error, never silently shifted. Dates outside [`MIN_DATE`]..=[`MAX_DATE`]
//! are errors too: the index stores a date as nanoseconds since 1970 in an `i64`, which
//! spans only 1677-09-21..2262-04-11, and a date beyond would wrap round to another day.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime};

/// The earliest date a document may carry (whole years inside the index's date range).
pub const MIN_DATE: NaiveDate = NaiveDate::from_ymd_opt(1678, 1, 1).expect("a real day");
/// The latest date a document may carry (whole years inside the index's date range).
pub const MAX_DATE: NaiveDate = NaiveDate::from_ymd_opt(2261, 12, 31).expect("a real day");

/// A date string that is not one of the accepted forms, or names no real day.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// The string matches none of the accepted forms.
    #[error(
        "cannot parse `{0}` as a date (use 2017-09-05, a timestamp, September 5, 2017, 5 September 2017, 05.09.2017 or 5 сентября 2017)"
    )]
    Unrecognised(String),
    /// The form is right but the day does not exist (`31.02.2017`).
    #[error("`{0}` is not a real calendar day")]
    NoSuchDay(String),
    /// A real day outside [`MIN_DATE`]..=[`MAX_DATE`] (most often a typo in the year).
    #[error("`{0}` is outside the supported range 1678-01-01..2261-12-31")]
    OutOfRange(String),
}

/// Parses a date in any of the accepted forms (surrounding whitespace is ignored).
pub fn parse_date(text: &str) -> Result<NaiveDate, DateError> {
    let trimmed = text.trim();
    let unrecognised = || DateError::Unrecognised(trimmed.to_string());
    if trimmed.is_empty() {
        return Err(unrecognised());
    }
    let date = if trimmed.as_bytes()[0].is_ascii_digit()
        && let Some(date) = parse_numeric(trimmed)?
    {
        date
    } else {
        parse_with_month_name(trimmed)?.ok_or_else(unrecognised)?
    };
    if !(MIN_DATE..=MAX_DATE).contains(&date) {
        return Err(DateError::OutOfRange(trimmed.to_string()));
    }
    Ok(date)
}

/// Parses a day written `YYYY-MM-DD` (the form of filter bounds, periods and registry
/// dates; a one-digit month or day is accepted), or says what is wrong with it: not that
/// form, no such month, or a day past the end of its month. The range of the index is not
/// checked: a filter bound may lie beyond it.
pub fn parse_iso_day(text: &str) -> Result<NaiveDate, String> {
    let form = || "not a date of the form YYYY-MM-DD".to_string();
    let (y, m, d) = split_numbers(text.trim(), '-')
        .filter(|(y, m, d)| y.len() == 4 && m.len() <= 2 && d.len() <= 2)
        .ok_or_else(form)?;
    let (year, month, day) = match (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) {
        (Ok(year), Ok(month), Ok(day)) => (year, month, day),
        _ => return Err(form()),
    };
    if !(1..=12).contains(&month) {
        return Err(format!("there is no month {month}"));
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        let days = NaiveDate::from_ymd_opt(year, month, 1)
            .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
            .and_then(|next| next.pred_opt())
            .map_or(31, |last| last.day());
        let name = MONTH_NAMES[month as usize - 1];
        format!("{name} {year} has {days} days")
    })
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// ISO dates, timestamps and dotted day-first dates; `Ok(None)` when the form is another.
fn parse_numeric(text: &str) -> Result<Option<NaiveDate>, DateError> {
    let no_such_day = || DateError::NoSuchDay(text.to_string());
    if let Some((y, m, d)) = split_numbers(text, '-')
        && y.len() == 4
    {
        return ymd(&y, &m, &d).map(Some).ok_or_else(no_such_day);
    }
    if let Some((d, m, y)) = split_numbers(text, '.')
        && y.len() == 4
        && d.len() <= 2
        && m.len() <= 2
    {
        return ymd(&y, &m, &d).map(Some).ok_or_else(no_such_day);
    }
    // A timestamp: the offset (if any) only has to be valid; the date is the one written.
    if let Ok(stamp) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(stamp.naive_local().date()));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(stamp) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(Some(stamp.date()));
        }
    }
    for format in ["%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(stamp) = DateTime::parse_from_str(text, format) {
            return Ok(Some(stamp.naive_local().date()));
        }
    }
    Ok(None)
}

/// `a<sep>b<sep>c` where all three parts are ASCII digits.
fn split_numbers(text: &str, sep: char) -> Option<(String, String, String)> {
    let mut parts = text.split(sep);
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    (parts.next().is_none() && digits(a) && digits(b) && digits(c))
        .then(|| (a.to_string(), b.to_string(), c.to_string()))
}

fn ymd(year: &str, month: &str, day: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

/// `September 5, 2017`, `5 September 2017`, `5 сентября 2017 г.`; `Ok(None)` otherwise.
fn parse_with_month_name(text: &str) -> Result<Option<NaiveDate>, DateError> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    // Russian dates often end with `г.`/`года` ("year").
    let words = match words.as_slice() {
        [head @ .., "г." | "г" | "года" | "год"] => head,
        all => all,
    };
    let (day, month, year) = match words {
        [first, second, year] => match (month_number(first), month_number(second)) {
            (Some(month), None) => (*second, month, *year),
            (None, Some(month)) => (*first, month, *year),
            _ => return Ok(None),
        },
        _ => return Ok(None),
    };
    let day = day
        .trim_end_matches(['.'])
        .trim_end_matches("st")
        .trim_end_matches("nd")
        .trim_end_matches("rd")
        .trim_end_matches("th");
    let year_ok = year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit());
    let day_ok = !day.is_empty() && day.len() <= 2 && day.bytes().all(|b| b.is_ascii_digit());
    if !year_ok || !day_ok {
        return Ok(None);
    }
    ymd(year, &month.to_string(), day)
        .map(Some)
        .ok_or_else(|| DateError::NoSuchDay(text.to_string()))
}

/// The month (1-12) named by a lowercase English or Russian word, full or abbreviated.
fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&[&str]; 12] = [
        &["january", "jan", "января", "январь", "янв"],
        &["february", "feb", "февраля", "февраль", "фев"],
        &["march", "mar", "марта", "март", "мар"],
        &["april", "apr", "апреля", "апрель", "апр"],
        &["may", "мая", "май"],
        &["june", "jun", "июня", "июнь", "июн"],
        &["july", "jul", "июля", "июль", "июл"],
        &["august", "aug", "августа", "август", "авг"],
        &[
            "september",
            "sep",
            "sept",
            "сентября",
            "сентябрь",
            "сен",
            "сент",
        ],
        &["october", "oct", "октября", "октябрь", "окт"],
        &["november", "nov", "ноября", "ноябрь", "ноя", "нояб"],
        &["december", "dec", "декабря", "декабрь", "дек"],
    ];
    let word = word.trim_end_matches('.');
    MONTHS
        .iter()
        .position(|names| names.contains(&word))
        .map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sept5() -> NaiveDate {
        NaiveDate::from_ymd_opt(2017, 9, 5).unwrap()
    }

    #[test]
    fn iso_date() {
        assert_eq!(parse_date("2017-09-05"), Ok(sept5()));
        assert_eq!(parse_date("  2017-9-5 "), Ok(sept5()));
    }

    #[test]
    fn timestamp_keeps_the_local_date_as_written() {
        // 23:30 in Tokyo is still September 5 there, though it is 14:30 UTC.
        assert_eq!(parse_date("2017-09-05T23:30:00+09:00"), Ok(sept5()));
        // 01:00 at UTC-05:00 would be September 5 06:00 UTC: the written date wins.
        assert_eq!(parse_date("2017-09-05T01:00:00-05:00"), Ok(sept5()));
        assert_eq!(parse_date("2017-09-05T10:00:00Z"), Ok(sept5()));
        assert_eq!(parse_date("2017-09-05T10:00:00.123+03:00"), Ok(sept5()));
        assert_eq!(parse_date("2017-09-05 10:00:00+03:00"), Ok(sept5()));
        assert_eq!(parse_date("2017-09-05T10:00:00"), Ok(sept5()));
    }

    #[test]
    fn english_month_first() {
        assert_eq!(parse_date("September 5, 2017"), Ok(sept5()));
        assert_eq!(parse_date("Sep 5, 2017"), Ok(sept5()));
        assert_eq!(parse_date("Sept. 5, 2017"), Ok(sept5()));
        assert_eq!(parse_date("September 5th, 2017"), Ok(sept5()));
    }

    #[test]
    fn english_day_first() {
        assert_eq!(parse_date("5 September 2017"), Ok(sept5()));
        assert_eq!(parse_date("05 Sept. 2017"), Ok(sept5()));
    }

    #[test]
    fn dotted_day_first() {
        assert_eq!(parse_date("05.09.2017"), Ok(sept5()));
        assert_eq!(parse_date("5.9.2017"), Ok(sept5()));
    }

    #[test]
    fn russian_month_names() {
        assert_eq!(parse_date("5 сентября 2017"), Ok(sept5()));
        assert_eq!(parse_date("5 сентября 2017 г."), Ok(sept5()));
        assert_eq!(parse_date("5 Сентября 2017 года"), Ok(sept5()));
        assert_eq!(
            parse_date("1 мая 2017"),
            Ok(NaiveDate::from_ymd_opt(2017, 5, 1).unwrap())
        );
    }

    #[test]
    fn impossible_days_are_errors_not_shifts() {
        assert!(matches!(
            parse_date("31.02.2017"),
            Err(DateError::NoSuchDay(_))
        ));
        assert!(matches!(
            parse_date("2017-02-30"),
            Err(DateError::NoSuchDay(_))
        ));
        assert!(matches!(
            parse_date("February 30, 2017"),
            Err(DateError::NoSuchDay(_))
        ));
    }

    #[test]
    fn dates_outside_the_stored_range_are_rejected() {
        for far in [
            "1600-01-01",
            "9999-12-31",
            "0201-09-05",
            "1677-12-31",
            "2262-01-01",
            "5 September 1500",
        ] {
            let err = parse_date(far).unwrap_err();
            assert!(matches!(err, DateError::OutOfRange(_)), "{far}: {err}");
        }
        assert_eq!(parse_date("1678-01-01"), Ok(MIN_DATE));
        assert_eq!(parse_date("2261-12-31"), Ok(MAX_DATE));
    }

    #[test]
    fn other_text_is_unrecognised_with_the_accepted_forms() {
        for bad in [
            "",
            "yesterday",
            "09/05/2017",
            "2017",
            "Septober 5, 2017",
            "5 2017",
        ] {
            let err = parse_date(bad).unwrap_err();
            assert!(matches!(err, DateError::Unrecognised(_)), "{bad}: {err}");
        }
        let message = parse_date("soon").unwrap_err().to_string();
        assert!(message.contains("`soon`") && message.contains("05.09.2017"));
    }

    #[test]
    fn iso_days_say_what_is_wrong() {
        assert_eq!(parse_iso_day(" 2017-09-05 "), Ok(sept5()));
        assert_eq!(parse_iso_day("2017-9-5"), Ok(sept5()));
        let cases = [
            ("2017-02-30", "February 2017 has 28 days"),
            ("2016-02-30", "February 2016 has 29 days"),
            ("2017-04-31", "April 2017 has 30 days"),
            ("2017-01-00", "January 2017 has 31 days"),
            ("2017-13-01", "there is no month 13"),
            ("2017-00-10", "there is no month 0"),
            ("17-02-03", "not a date of the form YYYY-MM-DD"),
            ("2017/02/03", "not a date of the form YYYY-MM-DD"),
            ("2017-02-03T10:00", "not a date of the form YYYY-MM-DD"),
            ("2017-002-03", "not a date of the form YYYY-MM-DD"),
        ];
        for (text, reason) in cases {
            assert_eq!(parse_iso_day(text), Err(reason.to_string()), "{text}");
        }
    }

    proptest::proptest! {
        /// Every real day reads back from its ISO form, and the day after the last of a
        /// month is refused with that month's length.
        #[test]
        fn iso_days_round_trip_and_month_ends_are_exact(days in 0i64..240_000) {
            let day = NaiveDate::from_ymd_opt(1600, 1, 1).unwrap() + chrono::Duration::days(days);
            proptest::prop_assert_eq!(parse_iso_day(&day.to_string()), Ok(day));
            let last = day.with_day(1).unwrap() + chrono::Months::new(1) - chrono::Duration::days(1);
            let past = format!("{:04}-{:02}-{:02}", last.year(), last.month(), last.day() + 1);
            let err = parse_iso_day(&past).unwrap_err();
            proptest::prop_assert!(err.ends_with(&format!("has {} days", last.day())), "{past}: {err}");
        }
    }
}
