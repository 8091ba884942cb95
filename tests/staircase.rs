//! # The staircase: lesson 03's steps, each the one before plus one idea
//!
//! Lesson 03 is six crates in `lessons/03-final/`, each a complete server
//! (like the listings of the Rust book). Copies make each step readable on
//! its own; these tests make sure the copies cannot drift apart:
//!
//! - every file a step does not list in its `changes` (its Cargo.toml) is
//!   the step before's, byte for byte but for the crate's name, and every
//!   file it lists really changed;
//! - the pieces lessons 01 and 02 and steps 1 and 2 write out themselves
//!   (reading a request, the lingering close) are the same everywhere, and
//!   the same code as the library's, which the later steps use;
//! - the staircase has no cliff: step 1's code is at most 2.5 times lesson
//!   02's, and no step changes more than about 500 lines of code;
//! - every step gets full marks from `check`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use harness::run_client_with;

/// Lesson 02, then the six steps of lesson 03, as folders of the workspace.
const STAIRCASE: [&str; 7] = [
    "lessons/02-threads",
    "lessons/03-final/1-registry",
    "lessons/03-final/2-listener",
    "lessons/03-final/3-protections",
    "lessons/03-final/4-shutdown",
    "lessons/03-final/5-durability",
    "lessons/03-final/6-compaction",
];

/// The crate names (as Rust code writes them) of the steps, which `use`
/// lines name and which are the one thing a shared file may change.
const CRATE_NAMES: [&str; 6] = [
    "lesson_03_1_registry",
    "lesson_03_2_listener",
    "lesson_03_3_protections",
    "lesson_03_4_shutdown",
    "lesson_03_5_durability",
    "lesson_03_final",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The files of one step (its sources and tests), relative to its folder.
fn files_of(step: &str) -> BTreeSet<String> {
    let mut files = BTreeSet::new();
    for sub in ["src", "tests"] {
        let dir = root().join(step).join(sub);
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let name = entry.unwrap().file_name().into_string().unwrap();
            files.insert(format!("{sub}/{name}"));
        }
    }
    files
}

/// What a step's Cargo.toml lists in `[package.metadata.staircase]`.
fn declared_changes(step: &str) -> BTreeSet<String> {
    let manifest = fs::read_to_string(root().join(step).join("Cargo.toml")).unwrap();
    let line = manifest
        .lines()
        .find(|line| line.starts_with("changes = ["))
        .unwrap_or_else(|| panic!("{step}/Cargo.toml lists no `changes`"));
    line.trim_start_matches("changes = [")
        .trim_end_matches(']')
        .split(',')
        .map(|name| name.trim().trim_matches('"').to_owned())
        .filter(|name| !name.is_empty())
        .collect()
}

/// A file's text with every step's crate name made the same.
fn normalized(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap();
    CRATE_NAMES
        .iter()
        .fold(text, |text, name| text.replace(name, "lesson_03_STEP"))
}

#[test]
fn every_file_a_step_does_not_change_is_the_step_befores() {
    let mut problems = Vec::new();
    for pair in STAIRCASE.windows(2) {
        let (before, step) = (pair[0], pair[1]);
        let changes = declared_changes(step);
        for file in files_of(step) {
            let old = root().join(before).join(&file);
            let same =
                old.exists() && normalized(&old) == normalized(&root().join(step).join(&file));
            match (changes.contains(&file), same) {
                (false, false) => problems.push(format!(
                    "{step}/{file} differs from {before}/{file} but is not in {step}'s `changes`: \
                     copy the fix to every step that shares the file, or list it"
                )),
                (true, true) => problems.push(format!(
                    "{step}/{file} is listed in `changes` but is {before}'s, unchanged"
                )),
                _ => {}
            }
        }
        for listed in &changes {
            if !root().join(step).join(listed).exists() {
                problems.push(format!(
                    "{step} lists {listed} in `changes`, which does not exist"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The lines between `// ANCHOR: name` and `// ANCHOR_END: name` of a file.
fn anchored(path: &str, name: &str) -> String {
    let text = fs::read_to_string(root().join(path)).unwrap();
    let start = format!("// ANCHOR: {name}\n");
    let end = format!("// ANCHOR_END: {name}");
    let from = text
        .find(&start)
        .unwrap_or_else(|| panic!("{path} has no anchor {name}"))
        + start.len();
    let to = from + text[from..].find(&end).expect("the anchor ends");
    text[from..to].to_owned()
}

/// Code without its comments, blank lines and indentation: what must agree
/// between a lesson's copy and the library's.
fn code_only(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .map(|line| line.split(" // ").next().unwrap().to_owned())
        .collect()
}

/// The lessons whose main.rs writes out its own request loop.
const PLAIN_LOOPS: [&str; 4] = [
    "lessons/01-blocking/src/main.rs",
    "lessons/02-threads/src/main.rs",
    "lessons/03-final/1-registry/src/main.rs",
    "lessons/03-final/2-listener/src/main.rs",
];

#[test]
fn the_pieces_the_plain_lessons_write_out_are_the_same_everywhere() {
    for piece in ["read_request", "lingering_close"] {
        let first = anchored(PLAIN_LOOPS[0], piece);
        for other in &PLAIN_LOOPS[1..] {
            assert_eq!(
                first,
                anchored(other, piece),
                "{piece} of {other} differs from lesson 01's"
            );
        }
    }
    // The later steps call the library's lingering close: the same code.
    let library = anchored("chamada/src/connection.rs", "lingering_close");
    let lesson = anchored(PLAIN_LOOPS[0], "lingering_close");
    let body = |text: &str| {
        code_only(text)
            .into_iter()
            .filter(|line| {
                !line.starts_with("const ")
                    && !line.starts_with("fn ")
                    && !line.starts_with("pub fn ")
            })
            .map(|line| line.replace("DRAIN_LIMIT", "64 * 1024"))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        body(&lesson),
        body(&library),
        "lesson 01's lingering close is not the library's"
    );
}

/// The server's code in one source file: without its unit tests (the
/// `#[cfg(test)]` module at the end), comments and blank lines.
fn server_code(path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap_or_default();
    let code = text.split("\n#[cfg(test)]\n").next().unwrap();
    code_only(code)
}

/// Lines of the server's code in a step's sources.
fn lines_of_code(step: &str) -> usize {
    files_of(step)
        .iter()
        .filter(|file| file.starts_with("src/"))
        .map(|file| server_code(&root().join(step).join(file)).len())
        .sum()
}

/// Lines of code that differ between two versions of a step's sources:
/// lines only in one or only in the other, counted as a diff would.
fn changed_lines_of_code(before: &str, step: &str) -> usize {
    let mut changed = 0;
    let all: BTreeSet<String> = files_of(before).union(&files_of(step)).cloned().collect();
    for file in all.iter().filter(|file| file.starts_with("src/")) {
        let read = |dir: &str| server_code(&root().join(dir).join(file));
        changed += diff_size(&read(before), &read(step));
    }
    changed
}

/// How many lines a minimal diff of `a` and `b` adds and removes (from the
/// longest common subsequence).
fn diff_size(a: &[String], b: &[String]) -> usize {
    let mut common = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            common[i][j] = if a[i] == b[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    a.len() + b.len() - 2 * common[0][0]
}

#[test]
fn the_staircase_has_no_cliff() {
    let mut report = Vec::new();
    for pair in STAIRCASE.windows(2) {
        let (before, step) = (pair[0], pair[1]);
        let changed = changed_lines_of_code(before, step);
        report.push(format!(
            "{step}: {} lines of code, {changed} changed from {before}",
            lines_of_code(step)
        ));
        assert!(
            changed <= 500,
            "{step} changes {changed} lines of code: more than one idea?"
        );
    }
    let (lesson_02, step_1) = (lines_of_code(STAIRCASE[0]), lines_of_code(STAIRCASE[1]));
    report.push(format!("{}: {lesson_02} lines of code", STAIRCASE[0]));
    // Shown with --nocapture: the figures the book's lesson 03 page quotes.
    println!("{}", report.join("\n"));
    assert!(
        step_1 * 2 <= lesson_02 * 5,
        "step 1 has {step_1} lines of code, lesson 02 {lesson_02}: more than 2.5 times"
    );
}

#[test]
fn every_step_gets_full_marks_from_check() {
    for step in [
        "lesson-03-1-registry",
        "lesson-03-2-listener",
        "lesson-03-3-protections",
        "lesson-03-4-shutdown",
        "lesson-03-5-durability",
    ] {
        let server = harness::Server::start(step);
        let run = run_client_with("check", &[], &[&server.addr().to_string()], "", &[]);
        assert_eq!(
            run.code,
            Some(0),
            "{step} does not get full marks: {run:#?}"
        );
    }
}
