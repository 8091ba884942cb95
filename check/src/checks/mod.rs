//! The checks, grouped in categories, each worth some points and each
//! pointing at the chapter of the book that explains what it tests.
//!
//! Each check tests one rule and reads everything else leniently, so that
//! one mistake costs points in one place: the time in a response, for
//! instance, is judged only by the checks in [`times`].

mod bad_input;
mod concurrency;
mod framing;
mod limits;
mod order;
mod races;
mod requests;
mod stall;
mod times;

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU32, Ordering};

use chamada::{t, ClassId};
use serde::Serialize;

use crate::probe::{Failure, Probe};

/// The groups a score is split into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Category {
    /// Every request, answered as PROTOCOL.md says.
    #[serde(rename = "requests and responses")]
    Requests,
    /// Bad requests and the limits of identifiers.
    #[serde(rename = "bad input and limits")]
    BadInput,
    /// Lines out of a byte stream.
    #[serde(rename = "framing")]
    Framing,
    /// Several clients at once.
    #[serde(rename = "concurrency")]
    Concurrency,
    /// Lists in answer order.
    #[serde(rename = "order")]
    Order,
    /// How times are written.
    #[serde(rename = "times")]
    Times,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 6] = [
        Category::Requests,
        Category::BadInput,
        Category::Framing,
        Category::Concurrency,
        Category::Order,
        Category::Times,
    ];

    /// The category's key: its name in English, as JSON and CSV write it
    /// in every language (scripts read it).
    pub fn key(self) -> &'static str {
        match self {
            Category::Requests => "requests and responses",
            Category::BadInput => "bad input and limits",
            Category::Framing => "framing",
            Category::Concurrency => "concurrency",
            Category::Order => "order",
            Category::Times => "times",
        }
    }

    /// The category's name in the reader's language, as reports print it.
    pub fn name(self) -> String {
        let id = match self {
            Category::Requests => "check-category-requests",
            Category::BadInput => "check-category-bad-input",
            Category::Framing => "check-category-framing",
            Category::Concurrency => "check-category-concurrency",
            Category::Order => "check-category-order",
            Category::Times => "check-category-times",
        };
        t!(id)
    }
}

/// A chapter of the book, or PROTOCOL.md itself, and the section to read.
/// Its title, file and section come from the catalogue (`check-chapter-ID`,
/// `check-file-ID`, `check-section-ID`), so that a reader of Portuguese is
/// sent to the Portuguese edition, under its Portuguese titles.
#[derive(Debug, Clone, Copy)]
pub struct Chapter {
    /// The chapter's message id, after `check-chapter-`.
    id: &'static str,
    /// The section's message id, after `check-section-`, if one explains
    /// the check.
    section: Option<&'static str>,
}

/// A chapter as a report shows it, in the reader's language.
#[derive(Debug, Clone, Serialize)]
pub struct ChapterText {
    /// The chapter's title.
    pub title: String,
    /// The file to open.
    pub file: String,
    /// The section that explains the check, if one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
}

impl Chapter {
    const fn new(id: &'static str) -> Chapter {
        Chapter { id, section: None }
    }

    const fn at(self, section: &'static str) -> Chapter {
        Chapter {
            section: Some(section),
            ..self
        }
    }

    /// The chapter's title, file and section in the reader's language.
    pub fn text(self) -> ChapterText {
        ChapterText {
            title: t!(&format!("check-chapter-{}", self.id)),
            file: t!(&format!("check-file-{}", self.id)),
            section: self.section.map(|s| t!(&format!("check-section-{s}"))),
        }
    }
}

// The chapters the checks point to.
const PROTOCOL: Chapter = Chapter::new("protocol");
/// The contract itself, for the fine print the book's chapter leaves out.
const PROTOCOL_MD: Chapter = Chapter::new("protocol-md");
const FRAMING: Chapter = Chapter::new("framing");
const LESSON_01: Chapter = Chapter::new("lesson-01");
const LESSON_02: Chapter = Chapter::new("lesson-02");

/// One check: what it is worth and how to run it.
pub struct Check {
    /// Where its points count.
    pub category: Category,
    /// What it checks, as a sentence a student understands: the id of
    /// its message in `check.ftl`, `check-name-...`.
    pub name: &'static str,
    /// What passing it is worth.
    pub points: u32,
    /// Where the book explains the idea.
    pub chapter: Chapter,
    /// The check itself.
    pub run: fn(&Ctx) -> Result<(), Failure>,
}

/// What a check runs with.
pub struct Ctx {
    /// The connections to the server under test.
    pub probe: Probe,
    /// The server serves one client at a time (like lesson 01).
    pub one_at_a_time: bool,
    /// The next class number to hand out.
    next_class: AtomicU32,
}

/// How many class numbers one run may use. Most checks use a few; the
/// races one per round, and finding how many roll calls a server keeps
/// open up to [`limits::MOST_CLASSES`] + 1.
pub const CLASSES_PER_RUN: u32 = 2000;

impl Ctx {
    /// A context for a run against `probe`'s server. Class numbers start at
    /// a random point between 3,000,000,000 and the largest class, so two
    /// runs (or a real class) are unlikely to meet.
    pub fn new(probe: Probe, one_at_a_time: bool) -> Ctx {
        let span = u32::MAX - 3_000_000_000 - CLASSES_PER_RUN;
        let random = RandomState::new().hash_one(std::process::id());
        let first = 3_000_000_000 + (random % u64::from(span)) as u32;
        Ctx {
            probe,
            one_at_a_time,
            next_class: AtomicU32::new(first),
        }
    }

    /// A class number no other check of this run uses.
    pub fn class(&self) -> ClassId {
        let number = self.next_class.fetch_add(1, Ordering::SeqCst);
        ClassId::new(number).expect("class numbers start far above 0")
    }

    /// The next class number, without using it.
    pub fn peek_class(&self) -> u32 {
        self.next_class.load(Ordering::SeqCst)
    }
}

/// Every check, in the order they run. With `one_at_a_time`, the
/// concurrency checks expect a second client to wait for the first.
pub fn all(one_at_a_time: bool, with_key: bool) -> Vec<Check> {
    let mut checks = requests::checks();
    checks.extend(bad_input::checks(with_key));
    checks.extend(limits::checks());
    checks.extend(framing::checks());
    checks.extend(concurrency::checks(one_at_a_time));
    checks.extend(races::checks());
    checks.extend(stall::checks(one_at_a_time));
    checks.extend(order::checks());
    checks.extend(times::checks());
    checks
}

#[cfg(test)]
mod tests {
    use super::*;
    use chamada::i18n::{text_in, Lang};
    use std::path::{Path, PathBuf};

    /// The repository's root: check's folder's parent.
    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    fn read(path: &str) -> String {
        std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// A heading as a reader sees it: without its `#`s and its `{#id}`.
    fn bare(heading: &str) -> &str {
        let text = heading.trim_start_matches('#').trim();
        text.rfind(" {#").map_or(text, |at| &text[..at])
    }

    /// True if `markdown` has a heading that reads `title`.
    fn has_heading(markdown: &str, title: &str) -> bool {
        markdown
            .lines()
            .any(|line| line.starts_with('#') && bare(line) == title)
    }

    /// The Portuguese edition's translation of `english`, as
    /// book/po/pt-BR.po gives it (its strings joined, its `{#id}` left out).
    fn translated(po: &str, english: &str) -> Option<String> {
        for entry in po.split("\n\n") {
            let (mut id, mut text, mut into_id) = (String::new(), String::new(), true);
            for line in entry.lines() {
                let quoted = if let Some(rest) = line.strip_prefix("msgid ") {
                    into_id = true;
                    rest
                } else if let Some(rest) = line.strip_prefix("msgstr ") {
                    into_id = false;
                    rest
                } else if line.starts_with('"') {
                    line
                } else {
                    continue;
                };
                let unquoted = quoted.trim_matches('"').replace("\\\"", "\"");
                if into_id { &mut id } else { &mut text }.push_str(&unquoted);
            }
            if id == english {
                return Some(bare(&text).to_owned());
            }
        }
        None
    }

    /// Every chapter and section a failure points to is a heading of the
    /// book (or of PROTOCOL.md), and in Portuguese it is that heading as
    /// the Portuguese edition translates it, in that edition's page: a
    /// chapter renamed in the book or in its translation fails here until
    /// check.ftl follows.
    #[test]
    fn every_pointer_names_a_heading_of_the_book_in_both_languages() {
        let po = read("book/po/pt-BR.po");
        let summary = read("book/src/SUMMARY.md");
        let checks = all(false, true).into_iter().chain(all(true, true));
        for chapter in checks.map(|check| check.chapter) {
            let message =
                |lang, what: &str, id: &str| text_in(lang, &format!("check-{what}-{id}"), None);
            let english = |what, id| message(Lang::En, what, id);
            let portuguese = |what, id| message(Lang::PtBr, what, id);
            let file = english("file", chapter.id);
            let source = read(&file);
            let mut pairs = Vec::new();
            match file.strip_prefix("book/src/") {
                // A chapter of the book: its title as the table of contents
                // shows it, and its page in the Portuguese edition.
                Some(page) => {
                    let title = english("chapter", chapter.id);
                    let entry = format!("[{title}]({page})");
                    assert!(summary.contains(&entry), "no {entry} in SUMMARY.md");
                    let html = format!("book/book/pt-BR/{}", page.replace(".md", ".html"));
                    assert_eq!(portuguese("file", chapter.id), html);
                    pairs.push((title, portuguese("chapter", chapter.id)));
                }
                // PROTOCOL.md: in Portuguese, its translation, the book's
                // chapter that includes it.
                None => {
                    let title = "The reference: PROTOCOL.md".to_owned();
                    assert!(summary.contains(&format!("[{title}](protocol-reference.md)")));
                    let html = "book/book/pt-BR/protocol-reference.html";
                    assert_eq!(portuguese("file", chapter.id), html);
                    pairs.push((title, portuguese("chapter", chapter.id)));
                }
            }
            if let Some(id) = chapter.section {
                let section = english("section", id);
                assert!(
                    has_heading(&source, &section),
                    "no heading {section:?} in {file}"
                );
                pairs.push((section, portuguese("section", id)));
            }
            for (english, portuguese) in pairs {
                let wanted = translated(&po, &english)
                    .unwrap_or_else(|| panic!("pt-BR.po does not translate {english:?}"));
                assert_eq!(portuguese, wanted, "check.ftl's Portuguese for {english:?}");
            }
        }
    }
}
