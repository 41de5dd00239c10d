//! The values flags take, parsed for clap: pooling modes, fills, shifts, data sets, counts.
//! A value clap cannot take is a [`BadValue`]; clap prints it after
//! `invalid value 'X' for '--flag <V>': ` and exits with code 2.

use crate::data::DataSpec;
use crate::engine::PoolMode;
use crate::io::Fill;

/// Why a flag's value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum BadValue {
    /// Not one of a fixed list of words (`choices`, as the message lists them).
    #[error("`{text}` is not one of {choices}")]
    NotOneOf { text: String, choices: &'static str },
    /// Not the kind of value the flag takes (`expected`: "a whole number", "rgb or bgr").
    #[error("`{text}` is not {expected}")]
    NotA {
        text: String,
        expected: &'static str,
    },
    /// A number outside the flag's range.
    #[error("`{text}` is not between {min} and {max}")]
    OutOfRange { text: String, min: i64, max: i64 },
    /// `none` where a noise is needed.
    #[error("give a noise such as gaussian:0.2")]
    NoNoise,
    /// Refused by the reader of that kind of value, in its words (a data set, a noise, a list
    /// of numbers).
    #[error("{0}")]
    Refused(String),
}

/// `max`, `avg` or `blurmax`.
pub(crate) fn parse_pool(text: &str) -> Result<PoolMode, BadValue> {
    PoolMode::parse(text).ok_or_else(|| BadValue::NotOneOf {
        text: text.to_string(),
        choices: "max, avg, blurmax",
    })
}

/// `zero`, `edge` or `wrap`.
pub(crate) fn parse_fill(text: &str) -> Result<Fill, BadValue> {
    Fill::parse(text).ok_or_else(|| BadValue::NotOneOf {
        text: text.to_string(),
        choices: "zero, edge, wrap",
    })
}

/// `mnist:DIR`, `shapes[:N]`, `fsdd:DIR` or `fsdd@SPEAKER:DIR`.
pub(crate) fn parse_data(text: &str) -> Result<DataSpec, BadValue> {
    text.parse::<DataSpec>()
        .map_err(|e| BadValue::Refused(e.to_string()))
}

/// A count from 1 to `max` (clap shows the error and refuses 0).
pub(crate) fn counts(max: u64) -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::new().range(1..=max)
}

/// The largest shift (pixels) any subcommand takes: the largest input side a model may have.
pub(crate) const MAX_SHIFT: i32 = crate::engine::limits::MAX_SIDE as i32;

/// `DX,DY` in whole pixels, each within [-4096, 4096].
pub(crate) fn parse_shift(text: &str) -> Result<(i32, i32), BadValue> {
    let (a, b) = text.split_once(',').ok_or_else(|| BadValue::NotA {
        text: text.to_string(),
        expected: "DX,DY (e.g. 2,-1)",
    })?;
    let parse = |s: &str| match s.trim().parse::<i32>() {
        Ok(d) if (-MAX_SHIFT..=MAX_SHIFT).contains(&d) => Ok(d),
        Ok(_) => Err(BadValue::OutOfRange {
            text: s.to_string(),
            min: -i64::from(MAX_SHIFT),
            max: i64::from(MAX_SHIFT),
        }),
        Err(_) => Err(BadValue::NotA {
            text: s.to_string(),
            expected: "a whole number",
        }),
    };
    Ok((parse(a)?, parse(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifts_are_bounded() {
        assert_eq!(parse_shift("4096,-4096"), Ok((4096, -4096)));
        assert!(matches!(
            parse_shift("4097,0"),
            Err(BadValue::OutOfRange { max: 4096, .. })
        ));
        assert!(parse_shift("0,-99999999999").is_err());
        assert!(matches!(parse_shift("3"), Err(BadValue::NotA { .. })));
    }

    #[test]
    fn messages_name_the_value_and_what_it_should_be() {
        let out_of_range = parse_shift("99999,0").unwrap_err();
        assert_eq!(
            out_of_range.to_string(),
            "`99999` is not between -4096 and 4096"
        );
        assert_eq!(
            parse_shift("a,0").unwrap_err().to_string(),
            "`a` is not a whole number"
        );
        assert_eq!(
            parse_shift("2").unwrap_err().to_string(),
            "`2` is not DX,DY (e.g. 2,-1)"
        );
        assert_eq!(
            parse_pool("min").unwrap_err().to_string(),
            "`min` is not one of max, avg, blurmax"
        );
        assert_eq!(
            parse_fill("mirror").unwrap_err().to_string(),
            "`mirror` is not one of zero, edge, wrap"
        );
    }
}
