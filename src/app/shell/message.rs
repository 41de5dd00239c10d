//! What the app tells the person in the status bar and the notices, kept as what it says (a
//! message of the table and the values that fill it) and put into words only when drawn:
//! switching the language changes a message already shown. Notices of one kind (three hundred
//! unreadable language files, say) are shown as one, listing them.

use crate::app::i18n::{EN, Strings, fill};

/// Which message: its template in every language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKey {
    /// Text that has no translation (an error in a file reader's own words): shown as it is.
    Verbatim,
    Saved,
    InputApplied,
    NoSystemDialog,
    SettingsUnreadable,
    SettingsNotSaved,
    ModelNotReopened,
    RequestedModel,
    ImageNotReopened,
    RequestedImage,
    BuiltinNetwork,
    InputSettingsLeftOut,
    LanguageFileLeftOut,
    UnknownLanguage,
    NoSampleModels,
}

impl MessageKey {
    /// The message in `s`'s language, with `{1}`, `{2}`, … for the values.
    fn template(self, s: &Strings) -> &'static str {
        match self {
            MessageKey::Verbatim => "{1}",
            MessageKey::Saved => s.saved,
            MessageKey::InputApplied => s.input_applied,
            MessageKey::NoSystemDialog => s.browse_no_system_dialog,
            MessageKey::SettingsUnreadable => s.notice_settings,
            MessageKey::SettingsNotSaved => s.notice_settings_save,
            MessageKey::ModelNotReopened => s.notice_model,
            MessageKey::RequestedModel => s.notice_requested_model,
            MessageKey::ImageNotReopened => s.notice_image,
            MessageKey::RequestedImage => s.notice_requested_image,
            MessageKey::BuiltinNetwork => s.notice_builtin,
            MessageKey::InputSettingsLeftOut => s.notice_input_settings,
            MessageKey::LanguageFileLeftOut => s.notice_language_file,
            MessageKey::UnknownLanguage => s.notice_unknown_language,
            MessageKey::NoSampleModels => s.notice_no_sample_models,
        }
    }

    /// The heading of several notices of this kind shown as one (`{1}`: how many), and how
    /// each is listed under it.
    fn group(self, s: &Strings) -> (&'static str, &'static str) {
        match self {
            MessageKey::LanguageFileLeftOut => (s.notice_language_files, "{1}"),
            other => (s.notices_of_a_kind, other.template(s)),
        }
    }
}

/// A message: what it says and the values it says it with.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub key: MessageKey,
    pub values: Vec<String>,
}

impl Message {
    pub fn new(key: MessageKey, values: &[&dyn std::fmt::Display]) -> Message {
        Message {
            key,
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    /// Text shown as it is, in every language.
    pub fn verbatim(text: impl Into<String>) -> Message {
        Message {
            key: MessageKey::Verbatim,
            values: vec![text.into()],
        }
    }

    /// The message in `s`'s language.
    pub fn text(&self, s: &Strings) -> String {
        self.fill(self.key.template(s))
    }

    fn fill(&self, template: &str) -> String {
        let values: Vec<&dyn std::fmt::Display> = self
            .values
            .iter()
            .map(|v| v as &dyn std::fmt::Display)
            .collect();
        fill(template, &values)
    }
}

/// In English (logs and tests); the app draws [`Message::text`] in the chosen language.
impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(&EN))
    }
}

/// What could not be restored or done, shown above the views until dismissed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Notices {
    list: Vec<Message>,
}

/// Notices shown as one: every notice of one kind, or one notice that stands alone.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeGroup<'a> {
    /// The index of its first notice (what dismissing it names).
    pub first: usize,
    pub notices: Vec<&'a Message>,
}

impl NoticeGroup<'_> {
    /// The heading: the notice itself when alone, else how many there are of its kind.
    pub fn heading(&self, s: &Strings) -> String {
        match self.notices.as_slice() {
            [one] => one.text(s),
            many => {
                let (heading, _) = many[0].key.group(s);
                fill(heading, &[&many.len()])
            }
        }
    }

    /// Each notice as listed under the heading (nothing when it stands alone).
    pub fn items(&self, s: &Strings) -> Vec<String> {
        if self.notices.len() < 2 {
            return Vec::new();
        }
        self.notices
            .iter()
            .map(|m| m.fill(m.key.group(s).1))
            .collect()
    }
}

impl Notices {
    /// Adds a notice, unless the same one is already shown.
    pub fn push(&mut self, message: Message) {
        if !self.list.contains(&message) {
            self.list.push(message);
        }
    }

    /// Adds a notice above the others.
    pub fn push_first(&mut self, message: Message) {
        if !self.list.contains(&message) {
            self.list.insert(0, message);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Message> {
        self.list.iter()
    }

    /// Every notice in English, one after another (logs and tests).
    pub fn join(&self, separator: &str) -> String {
        let texts: Vec<String> = self.list.iter().map(|m| m.to_string()).collect();
        texts.join(separator)
    }

    /// The notices as shown: those of one kind together (where the first of them was), each
    /// verbatim one alone.
    pub fn groups(&self) -> Vec<NoticeGroup<'_>> {
        let mut groups: Vec<NoticeGroup> = Vec::new();
        for (i, m) in self.list.iter().enumerate() {
            let same =
                |g: &&mut NoticeGroup| m.key != MessageKey::Verbatim && g.notices[0].key == m.key;
            match groups.iter_mut().find(same) {
                Some(g) => g.notices.push(m),
                None => groups.push(NoticeGroup {
                    first: i,
                    notices: vec![m],
                }),
            }
        }
        groups
    }

    /// Dismisses the notice at `index` and every other of its kind (a verbatim one alone).
    pub fn dismiss(&mut self, index: usize) {
        let Some(key) = self.list.get(index).map(|m| m.key) else {
            return;
        };
        if key == MessageKey::Verbatim {
            self.list.remove(index);
        } else {
            self.list.retain(|m| m.key != key);
        }
    }
}

impl FromIterator<Message> for Notices {
    fn from_iter<I: IntoIterator<Item = Message>>(iter: I) -> Self {
        let mut notices = Notices::default();
        for m in iter {
            notices.push(m);
        }
        notices
    }
}

impl Extend<Message> for Notices {
    fn extend<I: IntoIterator<Item = Message>>(&mut self, iter: I) {
        for m in iter {
            self.push(m);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::i18n::ZH;

    #[test]
    fn a_message_is_worded_when_shown() {
        let saved = Message::new(MessageKey::Saved, &[&"/tmp/pool1.png"]);
        assert_eq!(saved.text(&EN), "Saved /tmp/pool1.png");
        assert_eq!(saved.text(&ZH), fill(ZH.saved, &[&"/tmp/pool1.png"]));
        assert_ne!(saved.text(&ZH), saved.text(&EN));
        let plain = Message::verbatim("x.json: no such file {1}");
        assert_eq!(plain.text(&ZH), "x.json: no such file {1}");
    }

    #[test]
    fn notices_of_one_kind_are_one_group_and_go_together() {
        let mut n = Notices::default();
        n.push(Message::verbatim("one"));
        for i in 0..300 {
            n.push(Message::new(
                MessageKey::LanguageFileLeftOut,
                &[&format!("{i}.ftl")],
            ));
        }
        n.push(Message::verbatim("two"));
        n.push(Message::verbatim("two"));
        assert_eq!(n.len(), 302);
        let groups = n.groups();
        assert_eq!(groups.len(), 3);
        assert_eq!(groups[1].notices.len(), 300);
        assert!(
            groups[1].heading(&EN).contains("300"),
            "{}",
            groups[1].heading(&EN)
        );
        assert_eq!(groups[1].items(&EN)[7], "7.ftl");
        assert!(groups[0].items(&EN).is_empty());
        n.dismiss(groups[1].first);
        assert_eq!(n.join("|"), "one|two");
        n.dismiss(0);
        assert_eq!(n.join("|"), "two");
    }
}
