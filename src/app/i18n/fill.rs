//! Filling a message's numbered places (`{1}`, `{2}`, …) with values.

use super::typography::{drop_space_after, drop_space_before};

/// Replaces `{1}`, `{2}`, … in `template` with that argument, and each `{}` with the next one.
/// Templates keep a space around a place beside Chinese text, as around any number or Latin
/// name (`共 {1} 个`); when the value is Chinese itself, those spaces go (`换用平均池化…`).
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
                let value = a.to_string();
                if drop_space_before(&out, &value) {
                    out.pop();
                }
                out.push_str(&value);
                rest = &after[digits + 1..];
                if drop_space_after(&value, rest) {
                    rest = &rest[1..];
                }
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

    #[test]
    fn a_chinese_value_beside_chinese_text_loses_the_spaces_a_number_keeps() {
        let t = "换用 {1} 池化训练的权重";
        assert_eq!(fill(t, &[&"平均"]), "换用平均池化训练的权重");
        assert_eq!(fill(t, &[&"blur-max"]), "换用 blur-max 池化训练的权重");
        assert_eq!(fill("共 {1} 个参数", &[&"7,850"]), "共 7,850 个参数");
        assert_eq!(fill("池化：{1}", &[&"最大"]), "池化：最大");
        assert_eq!(fill("{1} 模块", &[&"残差"]), "残差模块");
        assert_eq!(fill("Load {1} weights", &[&"avg"]), "Load avg weights");
    }
}
