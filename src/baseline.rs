//! Finding fingerprints, and baselines built from them: `--write-baseline FILE` records the
//! current findings, `--baseline FILE` reports only findings that are not in it and lists
//! the entries that no longer occur.
//!
//! A fingerprint identifies a finding across edits without a line number: the rule, the
//! module the resource is declared in (a Terraform directory, a Bicep or ARM file, relative
//! to the repository root), the resource's address, and the attribute and offending value
//! as the model names them ([`crate::diagnostic::FindingContext::attribute`]), hashed with
//! FNV-1a (fixed by its definition, so it does not change with the Rust release). Findings
//! with the same identity are numbered in report order (`…:1`, `…:2`). So a finding keeps
//! its fingerprint when lines are inserted above it, resources are reordered, the resource
//! moves to another file of the same Terraform module or the message wording changes; it
//! gets a new one when the resource is renamed, moves to another module, or the value or
//! attribute changes. SARIF `partialFingerprints` carry the same value.
//!
//! The baseline file is JSON, one finding per line, sorted, with the format version and the
//! tool version (documented in README.md, "Baseline").

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::source::Files;
use crate::walk::FileKind;

/// The `format` field of a baseline file.
pub const FORMAT: &str = "cosmolint-baseline";
/// The `version` field: bump it when the fingerprint inputs change.
pub const VERSION: u32 = 1;

/// A baseline file larger than this is refused.
const MAX_SIZE: u64 = 64 << 20;

/// What a finding is, independent of where it is written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Identity {
    pub rule: String,
    /// The Terraform module directory, or the Bicep/ARM file, relative to the repository
    /// root, with forward slashes (`.` for the root directory).
    pub module: String,
    pub resource: String,
    pub attribute: String,
    pub value: String,
}

impl Identity {
    /// FNV-1a (64 bit) of the fields, each ended by a NUL, as 16 hex digits.
    pub fn hash(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for part in [&self.rule, &self.module, &self.resource, &self.attribute, &self.value] {
            for &b in part.as_bytes().iter().chain(&[0u8]) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{h:016x}")
    }
}

/// One baseline entry: the fingerprint, and what it stands for (for people reading a diff).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    #[serde(flatten)]
    pub identity: Identity,
    pub fingerprint: String,
}

/// What fingerprinting looks up once per run: the repository root of each directory
/// (ancestors included, so a tree of directories costs one lookup per directory), and the
/// module of each file.
#[derive(Default)]
struct Cache {
    roots: HashMap<PathBuf, Option<PathBuf>>,
    modules: HashMap<crate::source::FileId, String>,
}

impl Cache {
    /// The nearest directory at or above `dir` (absolute) holding `.git`.
    fn root(&mut self, dir: &Path) -> Option<PathBuf> {
        let mut missed = Vec::new();
        let mut found = None;
        for a in dir.ancestors() {
            if let Some(r) = self.roots.get(a) {
                found = r.clone();
                break;
            }
            missed.push(a.to_path_buf());
            if a.join(".git").exists() {
                found = Some(a.to_path_buf());
                break;
            }
        }
        for m in missed {
            self.roots.insert(m, found.clone());
        }
        found
    }

    fn module(&mut self, files: &Files, file: crate::source::FileId) -> String {
        if let Some(m) = self.modules.get(&file) {
            return m.clone();
        }
        let module = files
            .get(file)
            .map_or_else(String::new, |f| self.module_of(files, &f.path));
        self.modules.insert(file, module.clone());
        module
    }

    fn module_of(&mut self, files: &Files, path: &Path) -> String {
        let terraform = matches!(FileKind::of(path), Some(FileKind::Terraform));
        let unit = match path.parent() {
            Some(dir) if terraform && !dir.as_os_str().is_empty() => dir.to_path_buf(),
            Some(_) if terraform => PathBuf::from("."),
            _ => path.to_path_buf(),
        };
        // The real path (once per file: a symbolic link or `..` in the path must not change
        // the module), lexically absolute for in-memory files; the repository root is then
        // looked up once per directory.
        let absolute = std::fs::canonicalize(&unit)
            .unwrap_or_else(|_| crate::source::normalize(&std::path::absolute(&unit).unwrap_or_else(|_| unit.clone())));
        let dir = if terraform {
            Some(absolute.as_path())
        } else {
            absolute.parent()
        };
        let relative = dir
            .and_then(|d| self.root(d))
            .and_then(|root| absolute.strip_prefix(&root).ok().map(Path::to_path_buf));
        match relative {
            Some(r) if r.as_os_str().is_empty() => ".".to_string(),
            Some(r) => crate::source::display_path(&r, None),
            // Outside a repository (or an in-memory file): as displayed.
            None => {
                let shown = files.display_path(&unit);
                if shown.is_empty() {
                    ".".to_string()
                } else {
                    shown
                }
            }
        }
    }
}

fn identity(files: &Files, cache: &mut Cache, d: &Diagnostic) -> Identity {
    let at = d.context.resource.unwrap_or(d.span);
    let module = cache.module(files, at.file);
    let (attribute, value) = match &d.context.attribute {
        Some((a, v)) => (a.to_string(), v.clone()),
        // Every rule names its attribute; should one not, its message stands in.
        None => (String::new(), d.message.clone()),
    };
    Identity {
        rule: d.code.to_string(),
        module,
        resource: d
            .context
            .declared
            .clone()
            .or_else(|| d.resource.clone())
            .unwrap_or_default(),
        attribute,
        value,
    }
}

/// Sets the fingerprint of every rule finding, in order (findings of the same identity are
/// numbered), and returns the entries.
pub fn fingerprint<'d>(files: &Files, diagnostics: impl IntoIterator<Item = &'d mut Diagnostic>) -> Vec<Entry> {
    let mut cache = Cache::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut entries = Vec::new();
    for d in diagnostics.into_iter().filter(|d| d.is_rule()) {
        let id = identity(files, &mut cache, d);
        let hash = id.hash();
        let n = seen.entry(hash.clone()).or_insert(0);
        *n += 1;
        let fp = format!("{hash}:{n}");
        d.fingerprint = Some(fp.clone());
        entries.push(Entry {
            identity: id,
            fingerprint: fp,
        });
    }
    entries
}

/// A baseline: the fingerprints of accepted findings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Baseline {
    /// As given, for messages.
    pub file: String,
    pub entries: Vec<Entry>,
}

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read the baseline {file}: {message}")]
    Read { file: String, message: String },
    #[error("{file} is not a cosmolint baseline: {message}")]
    Invalid { file: String, message: String },
    #[error("cannot write the baseline {file}: {message}")]
    Write { file: String, message: String },
}

#[derive(Serialize, Deserialize)]
struct Tool {
    name: String,
    version: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFormat {
    format: String,
    version: u32,
    #[allow(dead_code)]
    tool: Tool,
    findings: Vec<Entry>,
}

impl Baseline {
    pub fn new(file: impl Into<String>, mut entries: Vec<Entry>) -> Baseline {
        entries.sort();
        Baseline {
            file: file.into(),
            entries,
        }
    }

    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let file = path.display().to_string();
        let read = |message: String| BaselineError::Read {
            file: file.clone(),
            message,
        };
        let meta = std::fs::metadata(path).map_err(|e| read(e.to_string()))?;
        if !meta.is_file() {
            return Err(read("not a regular file".into()));
        }
        if meta.len() > MAX_SIZE {
            return Err(read(format!("larger than {} MiB", MAX_SIZE >> 20)));
        }
        let text = std::fs::read_to_string(path).map_err(|e| read(e.to_string()))?;
        Baseline::parse(&file, &text)
    }

    pub fn parse(file: &str, text: &str) -> Result<Baseline, BaselineError> {
        let invalid = |message: String| BaselineError::Invalid {
            file: file.to_string(),
            message,
        };
        let parsed: FileFormat = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        if parsed.format != FORMAT {
            return Err(invalid(format!("`format` is `{}`, not `{FORMAT}`", parsed.format)));
        }
        if parsed.version != VERSION {
            return Err(invalid(format!(
                "format version {} (this cosmolint reads version {VERSION}); write it again with --write-baseline",
                parsed.version
            )));
        }
        Ok(Baseline::new(file, parsed.findings))
    }

    /// The file's text: sorted, one finding per line, so that a diff shows exactly the
    /// findings added and removed.
    pub fn render(&self) -> String {
        let tool = Tool {
            name: "cosmolint".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        };
        let mut out = format!(
            "{{\n  \"format\": \"{FORMAT}\",\n  \"version\": {VERSION},\n  \"tool\": {},\n  \"findings\": [",
            serde_json::to_string(&tool).unwrap_or_default()
        );
        for (i, e) in self.entries.iter().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            out.push_str(&serde_json::to_string(e).unwrap_or_default());
        }
        out.push_str(if self.entries.is_empty() {
            "]\n}\n"
        } else {
            "\n  ]\n}\n"
        });
        out
    }

    pub fn write(&self, path: &Path) -> Result<(), BaselineError> {
        std::fs::write(path, self.render()).map_err(|e| BaselineError::Write {
            file: path.display().to_string(),
            message: e.to_string(),
        })
    }
}

/// What a baseline did to a report.
#[derive(Clone, Debug, Default)]
pub struct Applied {
    /// The baseline file.
    pub file: String,
    /// Baseline entries that match no finding any more: fixed or changed; the baseline can
    /// shrink.
    pub absent: Vec<Entry>,
}

/// Moves the findings of `report` that `baseline` holds to `report.baselined` and records
/// the entries that no longer occur. Fingerprints must be set (`lint` sets them).
pub fn apply(report: &mut crate::Report, baseline: &Baseline) {
    let mut remaining: HashMap<&str, usize> = HashMap::new();
    for e in &baseline.entries {
        *remaining.entry(e.fingerprint.as_str()).or_insert(0) += 1;
    }
    let mut kept = Vec::with_capacity(report.diagnostics.len());
    for d in std::mem::take(&mut report.diagnostics) {
        let hit = d
            .fingerprint
            .as_deref()
            .and_then(|f| remaining.get_mut(f))
            .filter(|n| **n > 0);
        match hit {
            Some(n) => {
                *n -= 1;
                report.baselined.push(d);
            }
            None => kept.push(d),
        }
    }
    report.diagnostics = kept;
    let mut absent = Vec::new();
    for e in &baseline.entries {
        if let Some(n) = remaining.get_mut(e.fingerprint.as_str()).filter(|n| **n > 0) {
            *n -= 1;
            absent.push(e.clone());
        }
    }
    report.summary.findings = report.diagnostics.iter().filter(|d| d.is_rule()).count();
    report.summary.baselined = report.baselined.len();
    report.baseline = Some(Applied {
        file: baseline.file.clone(),
        absent,
    });
}

/// The baseline of a report's findings (not the suppressed ones), before any baseline is
/// applied to it.
pub fn of_report(report: &crate::Report, file: impl Into<String>) -> Baseline {
    let mut findings: Vec<Diagnostic> = report.diagnostics.iter().filter(|d| d.is_rule()).cloned().collect();
    Baseline::new(file, fingerprint(&report.files, findings.iter_mut()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(rule: &str, resource: &str) -> Identity {
        Identity {
            rule: rule.into(),
            module: "infra".into(),
            resource: resource.into(),
            attribute: "local_auth_enabled".into(),
            value: "true".into(),
        }
    }

    #[test]
    fn hashes_depend_on_every_field_and_their_boundaries() {
        let a = id("CDB001", "azurerm_cosmosdb_account.a");
        assert_eq!(a.hash(), id("CDB001", "azurerm_cosmosdb_account.a").hash());
        assert_ne!(a.hash(), id("CDB002", "azurerm_cosmosdb_account.a").hash());
        assert_ne!(a.hash(), id("CDB001", "azurerm_cosmosdb_account.b").hash());
        let mut moved = a.clone();
        moved.module = "infra/other".into();
        assert_ne!(a.hash(), moved.hash());
        let mut split = a.clone();
        split.attribute = "local_auth_enabledtrue".into();
        split.value = String::new();
        assert_ne!(a.hash(), split.hash(), "(\"ab\", \"c\") is not (\"a\", \"bc\")");
        assert_eq!(a.hash().len(), 16);
        // The value is fixed by definition (FNV-1a 64 of five NULs, checked with Python),
        // not by the Rust release: a changed hash would reopen every baselined finding.
        assert_eq!(
            Identity {
                rule: String::new(),
                module: String::new(),
                resource: String::new(),
                attribute: String::new(),
                value: String::new()
            }
            .hash(),
            "e4bc4fd9252be94f"
        );
    }

    #[test]
    fn the_file_is_sorted_one_line_per_finding_and_reads_back() {
        let entries = vec![
            Entry {
                identity: id("CDB002", "b"),
                fingerprint: "2:1".into(),
            },
            Entry {
                identity: id("CDB001", "a"),
                fingerprint: "1:1".into(),
            },
        ];
        let b = Baseline::new("b.json", entries);
        let text = b.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "  \"format\": \"cosmolint-baseline\",");
        assert!(
            lines[5].contains("\"rule\":\"CDB001\"") && lines[5].ends_with(','),
            "{text}"
        );
        assert!(lines[6].contains("\"rule\":\"CDB002\""), "{text}");
        assert_eq!(Baseline::parse("b.json", &text).unwrap(), b);
        let empty = Baseline::new("e.json", Vec::new()).render();
        assert!(Baseline::parse("e.json", &empty).unwrap().entries.is_empty(), "{empty}");
        let e = Baseline::parse("x", &text.replace("\"version\": 1", "\"version\": 7")).unwrap_err();
        assert!(e.to_string().contains("format version 7"), "{e}");
        let e = Baseline::parse("x", "{\"format\": \"sarif\"}").unwrap_err();
        assert!(e.to_string().contains("is not a cosmolint baseline"), "{e}");
    }
}
