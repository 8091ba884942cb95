//! Reading a gettext catalogue (book/po/pt-BR.po): only what the narration
//! needs, each English message and its translation. Fuzzy translations are
//! left out, as mdbook-gettext leaves them out of the prose: a reader sees
//! English rather than a guess.

use std::collections::HashMap;
use std::path::Path;

/// The translated messages of one language, by their English text.
#[derive(Debug, Default)]
pub struct Catalogue {
    translations: HashMap<String, String>,
}

impl Catalogue {
    /// The catalogue in `path`, or an empty one when the edition has none
    /// (the English edition).
    pub fn load(path: &Path) -> Result<Catalogue, String> {
        if !path.exists() {
            return Ok(Catalogue::default());
        }
        let text = std::fs::read_to_string(path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        Ok(Catalogue::parse(&text))
    }

    /// The translation of `english`, if it has one.
    pub fn get(&self, english: &str) -> Option<&str> {
        self.translations.get(english).map(String::as_str)
    }

    /// Parses the text of a PO file. Entries are `msgid "..."` then
    /// `msgstr "..."`, each string possibly continued on the lines below;
    /// `#, fuzzy` marks an entry unfinished, `#~` an obsolete one.
    pub fn parse(text: &str) -> Catalogue {
        let mut catalogue = Catalogue::default();
        let mut entry = Entry::default();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with("msgctxt ") {
                if entry.has_msgstr() {
                    catalogue.add(std::mem::take(&mut entry));
                }
                if line.starts_with("#,") && line.contains("fuzzy") {
                    entry.fuzzy = true;
                }
            } else if let Some(rest) = line.strip_prefix("msgid ") {
                if entry.has_msgstr() {
                    catalogue.add(std::mem::take(&mut entry));
                }
                entry.msgid = Some(unquote(rest));
            } else if let Some(rest) = line.strip_prefix("msgstr ") {
                entry.msgstr = Some(unquote(rest));
            } else if line.starts_with('"') {
                // A continuation of whichever string was started last.
                let continued = match entry.msgstr.as_mut() {
                    Some(msgstr) => Some(msgstr),
                    None => entry.msgid.as_mut(),
                };
                if let Some(string) = continued {
                    string.push_str(&unquote(line));
                }
            }
        }
        if entry.has_msgstr() {
            catalogue.add(entry);
        }
        catalogue
    }

    fn add(&mut self, entry: Entry) {
        if let (Some(msgid), Some(msgstr)) = (entry.msgid, entry.msgstr) {
            if !entry.fuzzy && !msgid.is_empty() && !msgstr.is_empty() {
                self.translations.insert(msgid, msgstr);
            }
        }
    }
}

#[derive(Debug, Default)]
struct Entry {
    fuzzy: bool,
    msgid: Option<String>,
    msgstr: Option<String>,
}

impl Entry {
    fn has_msgstr(&self) -> bool {
        self.msgstr.is_some()
    }
}

/// The text of a quoted PO string, its escapes undone.
fn unquote(quoted: &str) -> String {
    let inner = quoted.trim();
    let inner = inner.strip_prefix('"').unwrap_or(inner);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    let mut text = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            text.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => text.push('\n'),
            Some('t') => text.push('\t'),
            Some(other) => text.push(other),
            None => {}
        }
    }
    text
}

/// `text` as a quoted PO string.
pub fn quote(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
        .replace('\t', "\\t");
    format!("\"{escaped}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_translations_across_continued_lines() {
        let po = r#"
msgid ""
msgstr ""
"Language: pt_BR\n"

#: src/a.md:1
msgid "The server "
"stops."
msgstr ""
"O servidor "
"para, \"de vez\"."
"#;
        let catalogue = Catalogue::parse(po);
        assert_eq!(
            catalogue.get("The server stops."),
            Some("O servidor para, \"de vez\".")
        );
        assert_eq!(catalogue.get(""), None, "the header is no message");
    }

    #[test]
    fn leaves_out_fuzzy_untranslated_and_obsolete_messages() {
        let po = r#"
#, fuzzy
msgid "One"
msgstr "Um"

msgid "Two"
msgstr ""

#~ msgid "Three"
#~ msgstr "Três"
msgid "Four"
msgstr "Quatro"
"#;
        let catalogue = Catalogue::parse(po);
        assert_eq!(catalogue.get("One"), None);
        assert_eq!(catalogue.get("Two"), None);
        assert_eq!(catalogue.get("Three"), None);
        assert_eq!(catalogue.get("Four"), Some("Quatro"));
    }

    #[test]
    fn quoting_and_unquoting_give_back_the_text() {
        let text = "a \"b\" \\ c\nd";
        assert_eq!(unquote(&quote(text)), text);
    }
}
