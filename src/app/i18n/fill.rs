//! Filling a message's numbered places (`{1}`, `{2}`, …) with values.

/// Replaces `{1}`, `{2}`, … in `template` with that argument, and each `{}` with the next one.
pub fn fill(template: &str, args: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut next = 0;
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let index = if after[digits..].starts_with('}') {
            if digits == 0 {
                next += 1;
                Some(next - 1)
            } else {
                after[..digits]
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| n.checked_sub(1))
            }
        } else {
            None
        };
        match index.and_then(|n| args.get(n)) {
            Some(a) => {
                out.push_str(&a.to_string());
                rest = &after[digits + 1..];
            }
            None if index.is_some() => {
                out.push_str(&rest[i..i + digits + 2]);
                rest = &after[digits + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_in_order_or_by_number_and_keeps_other_braces() {
        assert_eq!(fill("{} of {}", &[&3, &"x"]), "3 of x");
        assert_eq!(fill("{} and {}", &[&1]), "1 and {}");
        assert_eq!(fill("none", &[&1]), "none");
        assert_eq!(fill("{2} 的 {1}", &[&"a", &"b"]), "b 的 a");
        assert_eq!(fill("{x} {3} {", &[&1]), "{x} {3} {");
    }
}
