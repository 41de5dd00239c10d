//! How counts are written for people: grouped by thousands with a comma (`126,698`), in every
//! built-in language, so the same number looks the same in the explorer, the lessons and both
//! languages (docs/languages.md, "Numbers", says why). Indices, seeds, sizes such as `28x28`
//! and decimals are not counts and are written as they are.

/// `126698` -> `126,698`; below 1,000 unchanged (`999`).
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A rate or other non-negative amount shown as a whole number (`1234.6` -> `1,235`);
/// anything that is not a finite, non-negative number is written as it is.
pub(crate) fn grouped_round(x: f64) -> String {
    if x.is_finite() && x >= 0.0 && x < usize::MAX as f64 {
        grouped(x.round() as usize)
    } else {
        format!("{x:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(6272), "6,272");
        assert_eq!(grouped(126698), "126,698");
        assert_eq!(grouped(1234567), "1,234,567");
    }

    #[test]
    fn rates_are_rounded_then_grouped() {
        assert_eq!(grouped_round(1234.6), "1,235");
        assert_eq!(grouped_round(12.4), "12");
        assert_eq!(grouped_round(f64::NAN), "NaN");
    }
}
