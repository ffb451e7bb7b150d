//! Partial dates (a year, a year and month, or a full day) and the three-valued comparisons
//! that as-of queries need: "1973" is before 1974-01-01, not before 1973-01-01, and unknown
//! against 1973-06-30. Years before year 1 are written "800 BC" and known to the year only.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// How much of a [`PartialDate`] is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    Year,
    Month,
    Day,
}

/// A calendar date (proleptic Gregorian, 9999 BC to AD 9999) known to a year, a month or a
/// day; a year before year 1 is known to the year only.
///
/// Years are held in astronomical numbering, as ISO 8601 does: 1 BC is year 0, 800 BC is year
/// -799, so that there is no gap between 1 BC and AD 1 and years order as numbers. Text
/// writes them as historians do: `"800 BC"` (see [`PartialDate::from_str`]).
///
/// Ordering puts a partial date before every fuller date inside it:
/// `1973 < 1973-01 < 1973-01-01 < 1973-01-02 < 1973-02`, and every BC year before every
/// later year: `800 BC < 146 BC < 836`. Use [`PartialDate::on_or_before`] and friends, not
/// `<`, to ask whether something had happened by a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    /// Astronomical year: 1 BC is 0, 800 BC is -799.
    year: i32,
    month: Option<u8>,
    day: Option<u8>,
}

/// A three-valued answer: dates of different precision cannot always be compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tri {
    Yes,
    No,
    Unknown,
}

/// Why a text is not a date. The message says what would be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error(
        "'{0}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 836, 1973-06 or 1973-06-24, or a year before year 1 as YYYY BC, e.g. 800 BC"
    )]
    Syntax(String),
    #[error(
        "'{0}' has year out of range: years run from 9999 BC to 9999 (there is no year 0: the year before 1 is 1 BC)"
    )]
    Year(String),
    #[error(
        "'{0}' gives a month or a day before year 1: a year before year 1 is known to the year only, e.g. 800 BC"
    )]
    BeforeYearOne(String),
    #[error("'{0}' has month out of range: months run from 01 to 12")]
    Month(String),
    #[error("'{text}' has day out of range: that month has {days_in_month} days")]
    Day { text: String, days_in_month: u8 },
}

/// The first and last astronomical years a date may have: 9999 BC and AD 9999.
const YEARS: std::ops::RangeInclusive<i32> = -9998..=9999;

/// Leap years of the proleptic Gregorian calendar, in astronomical numbering (1 BC, year 0,
/// is a leap year).
pub(crate) fn is_leap(year: i32) -> bool {
    (year.rem_euclid(4) == 0 && year.rem_euclid(100) != 0) || year.rem_euclid(400) == 0
}

/// Number of days in a month of an (astronomical) year.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl PartialDate {
    /// A year-precision date; `year` is astronomical (1 BC is 0).
    pub fn year(year: i32) -> Result<Self, DateError> {
        Self::new(year, None, None)
    }

    /// A year-precision date `years_before` years before year 1: `bc(800)` is 800 BC.
    pub fn bc(years_before: u16) -> Result<Self, DateError> {
        if years_before == 0 {
            return Err(DateError::Year("0 BC".into()));
        }
        Self::new(1 - i32::from(years_before), None, None)
    }

    /// A date from its parts; `year` is astronomical (1 BC is 0, 800 BC is -799) and `day`
    /// needs `month`. A year before 1 takes neither.
    pub fn new(year: i32, month: Option<u8>, day: Option<u8>) -> Result<Self, DateError> {
        let text = || {
            let year_text = if year < 1 {
                format!("{} BC", 1 - i64::from(year))
            } else {
                format!("{year:04}")
            };
            match (month, day) {
                (Some(m), Some(d)) => format!("{year_text}-{m:02}-{d:02}"),
                (Some(m), None) => format!("{year_text}-{m:02}"),
                _ => year_text,
            }
        };
        if !YEARS.contains(&year) {
            return Err(DateError::Year(text()));
        }
        if year < 1 && (month.is_some() || day.is_some()) {
            return Err(DateError::BeforeYearOne(text()));
        }
        if let Some(m) = month
            && !(1..=12).contains(&m)
        {
            return Err(DateError::Month(text()));
        }
        match (month, day) {
            (None, Some(_)) => Err(DateError::Syntax(text())),
            (Some(m), Some(d)) if d == 0 || d > days_in_month(year, m) => Err(DateError::Day {
                text: text(),
                days_in_month: days_in_month(year, m),
            }),
            _ => Ok(Self { year, month, day }),
        }
    }

    /// The astronomical year: 1 BC is 0, 800 BC is -799.
    pub fn year_value(&self) -> i32 {
        self.year
    }

    /// Is the date before year 1 (written "800 BC")?
    pub fn is_bc(&self) -> bool {
        self.year < 1
    }

    pub fn month_value(&self) -> Option<u8> {
        self.month
    }

    pub fn day_value(&self) -> Option<u8> {
        self.day
    }

    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (Some(_), Some(_)) => Precision::Day,
            (Some(_), None) => Precision::Month,
            _ => Precision::Year,
        }
    }

    /// The first day this date may denote, as (astronomical year, month, day).
    pub fn first_day(&self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day this date may denote, as (astronomical year, month, day).
    pub fn last_day(&self) -> (i32, u8, u8) {
        let month = self.month.unwrap_or(12);
        (
            self.year,
            month,
            self.day.unwrap_or(days_in_month(self.year, month)),
        )
    }

    /// Did this date (an event's) certainly fall on or before `other`, certainly after it, or
    /// can the precision not tell? Both sides are treated as the span of days they denote.
    pub fn on_or_before(&self, other: &PartialDate) -> Tri {
        if self.last_day() <= other.first_day() {
            Tri::Yes
        } else if self.first_day() > other.last_day() {
            Tri::No
        } else {
            Tri::Unknown
        }
    }

    /// Is this date strictly before `other`? "1973" is before 1974-01-01 (yes), not before
    /// 1973-01-01 (no), and unknown against 1973-06-30.
    pub fn before(&self, other: &PartialDate) -> Tri {
        if self.last_day() < other.first_day() {
            Tri::Yes
        } else if self.first_day() >= other.last_day() {
            Tri::No
        } else {
            Tri::Unknown
        }
    }

    /// Whole days from `self.first_day()` to `other.first_day()`, for distances in time.
    pub fn days_until(&self, other: &PartialDate) -> i64 {
        day_number(other.first_day()) - day_number(self.first_day())
    }
}

impl PartialDate {
    /// The day that is `days` days after 1970-01-01 (Howard Hinnant's civil-from-days
    /// algorithm), clamped to the years 1 to 9999 (days before year 1 would be days of
    /// years known to the year only).
    pub fn from_days_since_epoch(days: i64) -> PartialDate {
        let z = days.clamp(-719_162, 2_932_896) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)).clamp(1, 9999) as i32;
        PartialDate {
            year,
            month: Some(month),
            day: Some(day),
        }
    }
}

/// Days since 0001-01-01 of a proleptic Gregorian date (negative before it).
fn day_number((year, month, day): (i32, u8, u8)) -> i64 {
    let y = i64::from(year) - 1;
    let mut days = y * 365 + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400);
    for m in 1..month {
        days += i64::from(days_in_month(year, m));
    }
    days + i64::from(day) - 1
}

impl Ord for PartialDate {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.year, self.month.unwrap_or(0), self.day.unwrap_or(0)).cmp(&(
            other.year,
            other.month.unwrap_or(0),
            other.day.unwrap_or(0),
        ))
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Years below 1000 are written as they are read ("836"), not zero-padded, so that
        // a bundle's text round-trips byte for byte. A year before 1 has no month or day.
        if self.year < 1 {
            return write!(f, "{} BC", 1 - self.year);
        }
        write!(f, "{}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl FromStr for PartialDate {
    type Err = DateError;

    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (years 1 to 9999, no sign), or a year before
    /// year 1 as `YYYY BC` (`800 BC`: one space, capital `BC`; there is no year 0).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let syntax = || DateError::Syntax(text.to_owned());
        if let Some(years_before) = text.strip_suffix(" BC") {
            if years_before.contains('-') {
                return Err(DateError::BeforeYearOne(text.to_owned()));
            }
            if years_before.is_empty()
                || years_before.len() > 4
                || !years_before.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(syntax());
            }
            let n: u16 = years_before.parse().map_err(|_| syntax())?;
            return Self::bc(n).map_err(|_| DateError::Year(text.to_owned()));
        }
        let mut parts = text.split('-');
        let year_text = parts.next().ok_or_else(syntax)?;
        if year_text.is_empty()
            || year_text.len() > 4
            || !year_text.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(syntax());
        }
        let year: i32 = year_text.parse().map_err(|_| syntax())?;
        if year == 0 {
            // Year 0 is 1 BC in astronomical numbering, which text writes "1 BC".
            return Err(DateError::Year(text.to_owned()));
        }
        let two_digits = |part: Option<&str>| -> Result<Option<u8>, DateError> {
            match part {
                None => Ok(None),
                Some(p) if p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) => {
                    Ok(Some(p.parse().map_err(|_| syntax())?))
                }
                Some(_) => Err(syntax()),
            }
        };
        let month = two_digits(parts.next())?;
        let day = two_digits(parts.next())?;
        if parts.next().is_some() {
            return Err(syntax());
        }
        Self::new(year, month, day).map_err(|e| match e {
            DateError::Syntax(_) => syntax(),
            DateError::Year(_) => DateError::Year(text.to_owned()),
            DateError::BeforeYearOne(_) => DateError::BeforeYearOne(text.to_owned()),
            DateError::Month(_) => DateError::Month(text.to_owned()),
            DateError::Day { days_in_month, .. } => DateError::Day {
                text: text.to_owned(),
                days_in_month,
            },
        })
    }
}

impl serde::Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for PartialDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = PartialDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a date as a string: \"YYYY\", \"YYYY-MM\", \"YYYY-MM-DD\" or \"YYYY BC\"",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<PartialDate, E> {
                v.parse().map_err(E::custom)
            }
            // A bare number is a year from 1 on; "800 BC" is text.
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<PartialDate, E> {
                u16::try_from(v)
                    .ok()
                    .filter(|y| *y >= 1)
                    .ok_or_else(|| E::custom(DateError::Year(v.to_string())))
                    .and_then(|y| PartialDate::year(i32::from(y)).map_err(E::custom))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<PartialDate, E> {
                u16::try_from(v)
                    .ok()
                    .filter(|y| *y >= 1)
                    .ok_or_else(|| E::custom(DateError::Year(v.to_string())))
                    .and_then(|y| PartialDate::year(i32::from(y)).map_err(E::custom))
            }
            // TOML readers hand an unquoted date (1973-06-24) over as a one-entry map.
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<PartialDate, A::Error> {
                let Some((_, value)) = map.next_entry::<String, String>()? else {
                    return Err(serde::de::Error::custom("empty date"));
                };
                value.parse().map_err(serde::de::Error::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> PartialDate {
        text.parse().unwrap()
    }

    #[test]
    fn brief_examples_of_before() {
        assert_eq!(d("1973").before(&d("1974-01-01")), Tri::Yes);
        assert_eq!(d("1973").before(&d("1973-01-01")), Tri::No);
        assert_eq!(d("1973").before(&d("1973-06-30")), Tri::Unknown);
    }

    #[test]
    fn on_or_before_at_period_ends() {
        assert_eq!(d("1973").on_or_before(&d("1973-12-31")), Tri::Yes);
        assert_eq!(d("1973").on_or_before(&d("1973-03-01")), Tri::Unknown);
        assert_eq!(d("1973").on_or_before(&d("1972-12-31")), Tri::No);
        assert_eq!(d("2000-02").on_or_before(&d("2000-02-29")), Tri::Yes);
        assert_eq!(d("1900-02").last_day(), (1900, 2, 28));
    }

    #[test]
    fn partial_sorts_before_fuller_dates_inside_it() {
        let mut dates = [
            d("1973-02"),
            d("1973-01-02"),
            d("1973-01-01"),
            d("1973-01"),
            d("1973"),
        ];
        dates.sort();
        let texts: Vec<String> = dates.iter().map(ToString::to_string).collect();
        assert_eq!(
            texts,
            ["1973", "1973-01", "1973-01-01", "1973-01-02", "1973-02"]
        );
    }

    #[test]
    fn rejects_impossible_dates_with_a_reason() {
        assert!(matches!(
            "2019-02-29".parse::<PartialDate>(),
            Err(DateError::Day {
                days_in_month: 28,
                ..
            })
        ));
        assert!(matches!(
            "2019-13".parse::<PartialDate>(),
            Err(DateError::Month(_))
        ));
        assert!(matches!(
            "0".parse::<PartialDate>(),
            Err(DateError::Year(_))
        ));
        assert!(matches!(
            "19730624".parse::<PartialDate>(),
            Err(DateError::Syntax(_))
        ));
        assert!(matches!(
            "1973-6-24".parse::<PartialDate>(),
            Err(DateError::Syntax(_))
        ));
        assert!(matches!(
            "".parse::<PartialDate>(),
            Err(DateError::Syntax(_))
        ));
    }

    #[test]
    fn bc_years_are_written_with_bc_and_order_before_year_one() {
        let greek_polis = d("800 BC");
        assert_eq!(greek_polis.year_value(), -799);
        assert!(greek_polis.is_bc());
        assert_eq!(greek_polis.to_string(), "800 BC");
        assert_eq!(d("1 BC").year_value(), 0);
        let mut dates = [
            d("1"),
            d("146 BC"),
            d("1 BC"),
            d("836"),
            d("800 BC"),
            d("770 BC"),
        ];
        dates.sort();
        let texts: Vec<String> = dates.iter().map(ToString::to_string).collect();
        assert_eq!(texts, ["800 BC", "770 BC", "146 BC", "1 BC", "1", "836"]);
        // Three-valued comparisons and spans work across the era boundary.
        assert_eq!(d("800 BC").before(&d("146 BC")), Tri::Yes);
        assert_eq!(d("146 BC").on_or_before(&d("800 BC")), Tri::No);
        assert_eq!(d("1 BC").before(&d("1-01-01")), Tri::Yes);
        assert_eq!(
            d("1 BC").days_until(&d("1-01-01")),
            366,
            "1 BC is a leap year"
        );
        assert_eq!(d("2 BC").days_until(&d("1 BC")), 365);
        assert_eq!(d("800 BC").first_day(), (-799, 1, 1));
        assert_eq!(d("800 BC").last_day(), (-799, 12, 31));
    }

    #[test]
    fn rejects_bc_dates_that_cannot_be_read() {
        assert!(matches!(
            "0 BC".parse::<PartialDate>(),
            Err(DateError::Year(_))
        ));
        for text in ["800-03 BC", "800-03-01 BC"] {
            assert!(
                matches!(
                    text.parse::<PartialDate>(),
                    Err(DateError::BeforeYearOne(_))
                ),
                "{text}"
            );
        }
        for text in [
            "-0799", "-800", "800BC", "800 bc", "800 BCE", " BC", "800  BC", "10000 BC",
        ] {
            let error = text.parse::<PartialDate>().unwrap_err();
            assert!(matches!(error, DateError::Syntax(_)), "{text}: {error}");
            assert!(error.to_string().contains("800 BC"), "{error}");
        }
        assert!(matches!(
            PartialDate::new(-799, Some(3), None),
            Err(DateError::BeforeYearOne(_))
        ));
        assert!(matches!(PartialDate::bc(0), Err(DateError::Year(_))));
    }

    #[test]
    fn days_since_epoch() {
        assert_eq!(PartialDate::from_days_since_epoch(0), d("1970-01-01"));
        assert_eq!(PartialDate::from_days_since_epoch(20_786), d("2026-11-29"));
        assert_eq!(PartialDate::from_days_since_epoch(11_016), d("2000-02-29"));
        assert_eq!(PartialDate::from_days_since_epoch(-1), d("1969-12-31"));
    }

    #[test]
    fn days_until_counts_leap_years() {
        assert_eq!(d("2000-01-01").days_until(&d("2001-01-01")), 366);
        assert_eq!(d("1973-06-24").days_until(&d("1973-06-24")), 0);
    }

    proptest::proptest! {
        #[test]
        fn parser_never_panics(text in "\\PC{0,16}") {
            let _ = text.parse::<PartialDate>();
        }

        #[test]
        fn display_round_trips(year in 1i32..=9999, month in proptest::option::of(1u8..=12), day in 1u8..=31) {
            let day = month.and_then(|m| (day <= days_in_month(year, m)).then_some(day));
            let date = PartialDate::new(year, month, day).unwrap();
            proptest::prop_assert_eq!(date.to_string().parse::<PartialDate>().unwrap(), date);
        }

        #[test]
        fn bc_years_round_trip_and_order(a in 1u16..=9999, b in 1u16..=9999) {
            let (x, y) = (PartialDate::bc(a).unwrap(), PartialDate::bc(b).unwrap());
            proptest::prop_assert_eq!(x.to_string().parse::<PartialDate>().unwrap(), x);
            // More years before year 1 is earlier.
            proptest::prop_assert_eq!(x.cmp(&y), b.cmp(&a));
            proptest::prop_assert!(x < d("1"));
        }

        #[test]
        fn digit_strings_never_panic(text in "[0-9-]{0,12}") {
            if let Ok(date) = text.parse::<PartialDate>() {
                proptest::prop_assert!(date.first_day() <= date.last_day());
            }
        }
    }
}
