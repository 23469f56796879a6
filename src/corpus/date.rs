//! Dates as precise as a source gives them: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A date as precise as the source gives it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
///
/// Parsed with [`FromStr`], written with [`Display`](fmt::Display) in the
/// same form, and (de)serialized as that string. Months and days are checked
/// against the calendar: `2017-02-30` and `2015-02-29` are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    /// The year.
    pub year: i32,
    /// The month, 1–12, when known.
    pub month: Option<u8>,
    /// The day of the month, when known.
    pub day: Option<u8>,
}

/// Why a string is not a [`PartialDate`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD){}", reason.map(|r| format!(": {r}")).unwrap_or_default())]
pub struct ParseDateError {
    /// The text that was refused.
    pub input: String,
    /// What is impossible about it, when the form is right but the calendar
    /// is not (`month 13 does not exist`).
    pub reason: Option<&'static str>,
}

impl PartialDate {
    /// Days in `month` of `year` (proleptic Gregorian calendar).
    pub(super) fn days_in_month(year: i32, month: u8) -> u8 {
        match month {
            4 | 6 | 9 | 11 => 30,
            2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
            2 => 28,
            _ => 31,
        }
    }
}

/// Parses exactly `n` ASCII digits; `str::parse` alone would also take a
/// sign (`+2017`), which is not a date.
fn digits(s: &str, n: usize) -> Option<u32> {
    if s.len() == n && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

impl FromStr for PartialDate {
    type Err = ParseDateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason| ParseDateError {
            input: s.to_owned(),
            reason,
        };
        let mut parts = s.split('-');
        let year = parts
            .next()
            .and_then(|y| digits(y, 4))
            .ok_or_else(|| err(None))?;
        let month = match parts.next() {
            None => None,
            Some(m) => Some(digits(m, 2).ok_or_else(|| err(None))?),
        };
        let day = match parts.next() {
            None => None,
            Some(d) => Some(digits(d, 2).ok_or_else(|| err(None))?),
        };
        if parts.next().is_some() {
            return Err(err(None));
        }
        // Four digits fit an i32 and two digits a u8, so these casts are exact.
        let year = year as i32;
        let month = month.map(|m| m as u8);
        let day = day.map(|d| d as u8);
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return Err(err(Some("there is no such month")));
            }
            if let Some(d) = day {
                if d == 0 || d > PartialDate::days_in_month(year, m) {
                    return Err(err(Some("that month has no such day")));
                }
            }
        }
        Ok(PartialDate { year, month, day })
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
