//! Partial dates (a year, a year and month, or a full day) and the three-valued comparisons
//! that as-of queries need: "1973" is before 1974-01-01, not before 1973-01-01, and unknown
//! against 1973-06-30.

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

/// A calendar date (proleptic Gregorian, years 1 to 9999) known to a year, a month or a day.
///
/// Ordering puts a partial date before every fuller date inside it:
/// `1973 < 1973-01 < 1973-01-01 < 1973-01-02 < 1973-02`. Use [`PartialDate::on_or_before`]
/// and friends, not `<`, to ask whether something had happened by a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    year: u16,
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
        "'{0}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 836, 1973-06 or 1973-06-24"
    )]
    Syntax(String),
    #[error("'{0}' has year out of range: years run from 1 to 9999")]
    Year(String),
    #[error("'{0}' has month out of range: months run from 01 to 12")]
    Month(String),
    #[error("'{text}' has day out of range: that month has {days_in_month} days")]
    Day { text: String, days_in_month: u8 },
}

pub(crate) fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Number of days in a month of a year.
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl PartialDate {
    /// A year-precision date.
    pub fn year(year: u16) -> Result<Self, DateError> {
        Self::new(year, None, None)
    }

    /// A date from its parts; `day` needs `month`.
    pub fn new(year: u16, month: Option<u8>, day: Option<u8>) -> Result<Self, DateError> {
        let text = || match (month, day) {
            (Some(m), Some(d)) => format!("{year:04}-{m:02}-{d:02}"),
            (Some(m), None) => format!("{year:04}-{m:02}"),
            _ => format!("{year:04}"),
        };
        if !(1..=9999).contains(&year) {
            return Err(DateError::Year(text()));
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

    pub fn year_value(&self) -> u16 {
        self.year
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

    /// The first day this date may denote, as (year, month, day).
    pub fn first_day(&self) -> (u16, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day this date may denote, as (year, month, day).
    pub fn last_day(&self) -> (u16, u8, u8) {
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
    /// algorithm), clamped to the years 1 to 9999.
    pub fn from_days_since_epoch(days: i64) -> PartialDate {
        let z = days.clamp(-719_162, 2_932_896) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)).clamp(1, 9999) as u16;
        PartialDate {
            year,
            month: Some(month),
            day: Some(day),
        }
    }
}

/// Days since 0001-01-01 of a proleptic Gregorian date.
fn day_number((year, month, day): (u16, u8, u8)) -> i64 {
    let y = i64::from(year) - 1;
    let mut days = y * 365 + y / 4 - y / 100 + y / 400;
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
        // a bundle's text round-trips byte for byte.
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

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let syntax = || DateError::Syntax(text.to_owned());
        let mut parts = text.split('-');
        let year_text = parts.next().ok_or_else(syntax)?;
        if year_text.is_empty()
            || year_text.len() > 4
            || !year_text.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(syntax());
        }
        let year: u16 = year_text.parse().map_err(|_| syntax())?;
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
                f.write_str("a date as a string: \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<PartialDate, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<PartialDate, E> {
                u16::try_from(v)
                    .map_err(|_| E::custom(DateError::Year(v.to_string())))
                    .and_then(|y| PartialDate::year(y).map_err(E::custom))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<PartialDate, E> {
                u16::try_from(v)
                    .map_err(|_| E::custom(DateError::Year(v.to_string())))
                    .and_then(|y| PartialDate::year(y).map_err(E::custom))
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
        fn display_round_trips(year in 1u16..=9999, month in proptest::option::of(1u8..=12), day in 1u8..=31) {
            let day = month.and_then(|m| (day <= days_in_month(year, m)).then_some(day));
            let date = PartialDate::new(year, month, day).unwrap();
            proptest::prop_assert_eq!(date.to_string().parse::<PartialDate>().unwrap(), date);
        }

        #[test]
        fn digit_strings_never_panic(text in "[0-9-]{0,12}") {
            if let Ok(date) = text.parse::<PartialDate>() {
                proptest::prop_assert!(date.first_day() <= date.last_day());
            }
        }
    }
}
