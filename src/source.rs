//! Source files, byte spans and positions.
//!
//! Every location cosmolint reports is a [`Span`]: a file and a byte range in that file's
//! text. Line and column numbers are computed only when a report is rendered, from a
//! per-file [`LineIndex`].
//!
//! A UTF-8 byte order mark is removed when a file is read, so offsets and columns are those
//! of the text after the BOM — which is what editors show. A line ends at `\n`, `\r\n` or a
//! lone `\r`, as the Language Server Protocol, SARIF viewers, editors and miette count them
//! (old Mac and some generated ARM files end lines with `\r` alone).

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// Index of a file in a [`Files`] registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, range: std::ops::Range<usize>) -> Span {
        Span {
            file,
            start: clamp_u32(range.start),
            end: clamp_u32(range.end.max(range.start)),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span covering both (same file assumed; otherwise `self`).
    pub fn cover(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A 1-based line and 1-based column counted in Unicode characters, as people and SARIF
/// (`columnKind: unicodeCodePoints`) count them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// A 0-based line and 0-based UTF-16 code unit offset, as the Language Server Protocol
/// counts them by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Utf16Pos {
    pub line: u32,
    pub character: u32,
}

/// One file's text and where it came from.
#[derive(Debug)]
pub struct SourceFile {
    pub id: FileId,
    /// The path as it is opened on disk.
    pub path: PathBuf,
    /// The path shown in reports: relative to the working directory when the file lies
    /// below it, always with forward slashes.
    pub display: String,
    /// The text, without a UTF-8 BOM.
    pub text: Arc<str>,
    line_index: LineIndex,
}

impl SourceFile {
    pub fn new(id: FileId, path: PathBuf, display: String, text: Arc<str>) -> SourceFile {
        let line_index = LineIndex::new(&text);
        SourceFile {
            id,
            path,
            display,
            text,
            line_index,
        }
    }

    fn offset(&self, offset: u32) -> u32 {
        // Clamp to the text and back off to a char boundary, so a span from any source can
        // never make a position wrong or a slice panic.
        let mut off = (offset as usize).min(self.text.len());
        while !self.text.is_char_boundary(off) {
            off -= 1;
        }
        off as u32
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, offset: u32) -> LineCol {
        let (line, chars, _) = self.line_index.position(self.offset(offset));
        LineCol {
            line: line + 1,
            column: chars + 1,
        }
    }

    /// 0-based line and UTF-16 column of a byte offset (LSP positions).
    pub fn utf16_pos(&self, offset: u32) -> Utf16Pos {
        let (line, _, utf16) = self.line_index.position(self.offset(offset));
        Utf16Pos { line, character: utf16 }
    }

    /// 0-based line of a byte offset.
    pub fn line_of(&self, offset: u32) -> u32 {
        self.line_index.line_of(self.offset(offset))
    }

    /// Byte offset of the start of the 1-based `line`, if the file has it.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.line_index.starts.get(line.checked_sub(1)? as usize).copied()
    }

    /// Text of the span, clamped to the file.
    pub fn slice(&self, span: Span) -> &str {
        let start = self.offset(span.start) as usize;
        let end = (self.offset(span.end) as usize).max(start);
        &self.text[start..end]
    }
}

/// Line starts and the non-ASCII characters of a text, for positions in O(log n): built in
/// one pass, so that a file with thousands of findings on one long line (minified JSON)
/// costs no more per finding than a short one.
#[derive(Debug)]
pub struct LineIndex {
    /// Byte offset of the start of each line (the first is 0).
    starts: Vec<u32>,
    /// Offsets of the characters that take more than one byte, in order.
    wide: Vec<u32>,
    /// `extra[i]`: bytes beyond one per character in `wide[..i]`.
    extra: Vec<u32>,
    /// `astral[i]`: characters in `wide[..i]` that take two UTF-16 units.
    astral: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let b = text.as_bytes();
        let mut starts = vec![0u32];
        let (mut wide, mut extra, mut astral) = (Vec::new(), vec![0u32], vec![0u32]);
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\n' => starts.push(clamp_u32(i + 1)),
                b'\r' if b.get(i + 1) != Some(&b'\n') => starts.push(clamp_u32(i + 1)),
                c if c >= 0x80 && c & 0xC0 != 0x80 => {
                    let len = if c >= 0xF0 {
                        4
                    } else if c >= 0xE0 {
                        3
                    } else {
                        2
                    };
                    wide.push(clamp_u32(i));
                    extra.push(extra[extra.len() - 1] + len - 1);
                    astral.push(astral[astral.len() - 1] + u32::from(len == 4));
                }
                _ => {}
            }
            i += 1;
        }
        LineIndex {
            starts,
            wide,
            extra,
            astral,
        }
    }

    /// 0-based line of an offset.
    pub fn line_of(&self, offset: u32) -> u32 {
        (self.starts.partition_point(|&s| s <= offset) - 1) as u32
    }

    /// 0-based line, and the column in characters and in UTF-16 units, of an offset (on a
    /// character boundary).
    fn position(&self, offset: u32) -> (u32, u32, u32) {
        let line = self.line_of(offset);
        let start = self.starts[line as usize];
        let i0 = self.wide.partition_point(|&w| w < start);
        let i1 = self.wide.partition_point(|&w| w < offset);
        let chars = offset - start - (self.extra[i1] - self.extra[i0]);
        (line, chars, chars + self.astral[i1] - self.astral[i0])
    }
}

/// Why a file could not be read as text.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read file: {0}")]
    Io(#[from] std::io::Error),
    #[error("file is {size} bytes, over the limit of {limit} bytes (--max-file-size); it is not read")]
    TooLarge { size: u64, limit: u64 },
    #[error("{0} is not a regular file; it is not read")]
    NotRegular(&'static str),
    #[error("it resolves to a file outside the repository; files outside it are never read")]
    OutsideRepository,
    #[error("it resolves to a special file under /proc, /sys or /dev; such files are never read")]
    Special,
    #[error("file is not valid UTF-8 (invalid byte at offset {offset}); save it as UTF-8")]
    NotUtf8 { offset: usize },
    /// `offset` is in the decoded text (where the replacement character stands).
    #[error("file is {encoding} (by its byte order mark) but has an invalid code unit at byte {byte} of the file; save it as UTF-8")]
    BadUnicode {
        encoding: &'static str,
        offset: usize,
        byte: usize,
    },
}

impl ReadError {
    /// Byte offset the problem was found at (0 for whole-file problems).
    pub fn offset(&self) -> usize {
        match self {
            ReadError::NotUtf8 { offset } | ReadError::BadUnicode { offset, .. } => *offset,
            _ => 0,
        }
    }

    /// Whether the bytes were read but could not be decoded (`encoding-error`), rather
    /// than not read at all (`io-error`).
    pub fn is_encoding(&self) -> bool {
        matches!(self, ReadError::NotUtf8 { .. } | ReadError::BadUnicode { .. })
    }
}

/// What a run may read: files no larger than `max_size`, regular files only, whose real
/// path (symlinks resolved) lies inside one of the allowed roots. Every file cosmolint
/// reads goes through [`ReadPolicy::read`].
#[derive(Clone, Debug)]
pub struct ReadPolicy {
    pub max_size: u64,
    /// Canonical directories (repository roots) and files (named parameter and variable
    /// files) inside which reading is allowed; `None`: anywhere.
    allowed: Option<Vec<PathBuf>>,
    /// Real paths of the run, cached ([`PathKeys`]): resolving each file's path from
    /// scratch is quadratic in a deep tree.
    keys: Arc<PathKeys>,
    /// Where the bytes come from: the disk, the disk under an editor's unsaved buffers, or
    /// one text.
    source: Source,
}

/// Where a run's files come from. Every read, directory listing and existence test of the
/// drivers asks the [`ReadPolicy`], which answers from its source, so the CLI (the disk),
/// the language server (the disk with its open documents on top) and [`crate::lint_text`]
/// (one text, nothing else exists) run the same pipeline.
#[derive(Clone, Debug, Default)]
pub enum Source {
    #[default]
    Disk,
    /// The disk, with these texts in place of the files at their paths (and files that
    /// exist only as a buffer listed in their directory).
    Overlay(Arc<Overlay>),
    /// One file with this text; no other file or directory exists.
    Text { path: PathBuf, text: Arc<str> },
}

/// Unsaved texts by path: an editor's open documents.
#[derive(Clone, Debug, Default)]
pub struct Overlay {
    /// By absolute, normalized path.
    docs: std::collections::BTreeMap<PathBuf, Arc<str>>,
}

impl Overlay {
    fn key(path: &Path) -> PathBuf {
        std::path::absolute(path).map_or_else(|_| normalize(path), |p| normalize(&p))
    }

    pub fn insert(&mut self, path: &Path, text: Arc<str>) {
        self.docs.insert(Overlay::key(path), text);
    }

    pub fn remove(&mut self, path: &Path) -> Option<Arc<str>> {
        self.docs.remove(&Overlay::key(path))
    }

    pub fn get(&self, path: &Path) -> Option<&Arc<str>> {
        self.docs.get(&Overlay::key(path))
    }

    /// The documents' paths (absolute, normalized), sorted.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.docs.keys().map(PathBuf::as_path)
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
}

/// The text a source holds for `path` in place of the disk's; for [`Source::Text`], `Err`
/// for every other path (nothing else exists).
fn source_text(source: &Source, path: &Path) -> Result<Option<Arc<str>>, ()> {
    match source {
        Source::Disk => Ok(None),
        Source::Overlay(o) => Ok(o.get(path).cloned()),
        Source::Text { path: p, text } => {
            if normalize(p) == normalize(path) {
                Ok(Some(text.clone()))
            } else {
                Err(())
            }
        }
    }
}

impl Default for ReadPolicy {
    fn default() -> Self {
        ReadPolicy {
            max_size: crate::limits::DEFAULT_MAX_FILE_SIZE,
            allowed: None,
            keys: Arc::default(),
            source: Source::Disk,
        }
    }
}

impl ReadPolicy {
    /// Reading restricted to the repositories of the linted `paths` — for each, the
    /// nearest directory at or above it that holds `.git`, or the path itself (a file's
    /// directory) when there is none — and to the `named` files themselves.
    pub fn for_paths(max_size: u64, paths: &[PathBuf], named: &[PathBuf]) -> ReadPolicy {
        let mut allowed = Vec::new();
        for p in paths {
            // A named file's directory, not its target's: `leak.tf -> ../secret.txt` must
            // not make `..` the repository.
            let dir = if p.is_dir() {
                p.clone()
            } else {
                let abs = std::path::absolute(p).unwrap_or_else(|_| p.clone());
                abs.parent().map_or(abs.clone(), Path::to_path_buf)
            };
            let Ok(start) = std::fs::canonicalize(&dir) else {
                continue;
            };
            allowed.push(repository_root(&start).unwrap_or(start));
        }
        allowed.extend(named.iter().filter_map(|p| std::fs::canonicalize(p).ok()));
        allowed.sort();
        allowed.dedup();
        ReadPolicy {
            max_size,
            allowed: Some(allowed),
            keys: Arc::default(),
            source: Source::Disk,
        }
    }

    /// The same rules, reading from `source`.
    pub fn with_source(mut self, source: Source) -> ReadPolicy {
        self.source = source;
        self
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    /// Whether a file (or a symlink to one) is at `path`, for the source.
    pub fn is_file(&self, path: &Path) -> bool {
        match source_text(&self.source, path) {
            Ok(Some(_)) => true,
            Ok(None) => path.is_file(),
            Err(()) => false,
        }
    }

    /// Whether a directory is at `path`, for the source (for one text: its directory).
    pub fn is_dir(&self, path: &Path) -> bool {
        match &self.source {
            Source::Text { path: p, .. } => normalize(p.parent().unwrap_or(Path::new("."))) == normalize(path),
            _ => path.is_dir(),
        }
    }

    /// Whether anything (a file, a directory, a dangling link) is at `path`.
    pub fn exists(&self, path: &Path) -> bool {
        match source_text(&self.source, path) {
            Ok(Some(_)) => true,
            Ok(None) => std::fs::symlink_metadata(path).is_ok(),
            Err(()) => self.is_dir(path),
        }
    }

    /// The files of a directory (regular files and links to files; not below it), for the
    /// source: with an overlay, also its documents in `dir` that are not saved yet.
    pub fn list_dir(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        if let Source::Text { path, .. } = &self.source {
            return Ok(if self.is_dir(dir) {
                vec![dir.join(path.file_name().unwrap_or_default())]
            } else {
                Vec::new()
            });
        }
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir)?.filter_map(Result::ok) {
            let path = entry.path();
            // The entry's type needs no extra system call; only symlinks are followed.
            let is_file = entry
                .file_type()
                .is_ok_and(|t| t.is_file() || (t.is_symlink() && path.is_file()));
            if is_file {
                out.push(path);
            }
        }
        if let Source::Overlay(o) = &self.source {
            let here = Overlay::key(dir);
            for doc in o.paths() {
                if doc.parent() == Some(here.as_path()) && std::fs::symlink_metadata(doc).is_err() {
                    out.push(dir.join(doc.file_name().unwrap_or_default()));
                }
            }
        }
        Ok(out)
    }

    /// Documents of the source that are not on disk, below `dir`: the directory walk adds
    /// them (an editor's new, unsaved file is linted with its directory).
    pub fn unsaved_below(&self, dir: &Path) -> Vec<PathBuf> {
        let Source::Overlay(o) = &self.source else {
            return Vec::new();
        };
        let here = Overlay::key(dir);
        o.paths()
            .filter(|doc| doc.starts_with(&here) && std::fs::symlink_metadata(doc).is_err())
            .filter_map(|doc| Some(dir.join(doc.strip_prefix(&here).ok()?)))
            .collect()
    }

    /// Whether `path` (which need not exist) lies inside the allowed roots.
    pub fn allows(&self, path: &Path) -> bool {
        let Some(allowed) = &self.allowed else { return true };
        let mut real = self.keys.key(path);
        if real.is_relative() {
            // Not there (an editor's document not saved yet): where its directory is.
            let abs = Overlay::key(path);
            real = self
                .keys
                .key(abs.parent().unwrap_or(Path::new("/")))
                .join(abs.file_name().unwrap_or_default());
        }
        allowed.iter().any(|root| real.starts_with(root))
    }

    /// The bytes of the file at `path`, or why it is not read. Checked before reading: the
    /// real path is inside the allowed roots and not under `/proc`, `/sys` or `/dev`; the
    /// file is a regular file (a FIFO would block forever, a device never end) no larger
    /// than [`ReadPolicy::max_size`]. The read itself stops past the limit too, so a file
    /// that grows meanwhile cannot exhaust memory.
    pub fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
        let bytes = self.read_up_to(path, self.max_size.saturating_add(1), true)?;
        if bytes.len() as u64 > self.max_size {
            return Err(ReadError::TooLarge {
                size: bytes.len() as u64,
                limit: self.max_size,
            });
        }
        Ok(bytes)
    }

    /// The first `n` bytes of a file whatever its size, under the same rules otherwise
    /// (to tell whether a file over the limit is one cosmolint would lint at all).
    pub fn read_prefix(&self, path: &Path, n: u64) -> Result<Vec<u8>, ReadError> {
        self.read_up_to(path, n, false)
    }

    fn read_up_to(&self, path: &Path, n: u64, check_size: bool) -> Result<Vec<u8>, ReadError> {
        use std::io::Read;
        match source_text(&self.source, path) {
            Ok(None) => {}
            Ok(Some(text)) => return self.read_text(path, &text, n, check_size),
            Err(()) => return Err(std::io::Error::from(std::io::ErrorKind::NotFound).into()),
        }
        let real = self.keys.canonical(path)?;
        if ["/proc", "/sys", "/dev"].iter().any(|p| real.starts_with(p)) {
            return Err(ReadError::Special);
        }
        if let Some(allowed) = &self.allowed {
            if !allowed.iter().any(|root| real.starts_with(root)) {
                return Err(ReadError::OutsideRepository);
            }
        }
        let limit = if check_size { self.max_size } else { u64::MAX };
        check_regular(&std::fs::metadata(&real)?, limit)?;
        let file = open_nonblocking(&real)?;
        // The type and size of what was opened, in case it changed since the check.
        let meta = file.metadata()?;
        check_regular(&meta, limit)?;
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len().min(n)).unwrap_or(0));
        file.take(n).read_to_end(&mut bytes)?;
        Ok(bytes)
    }
}

impl ReadPolicy {
    /// A source's text for `path`, under the rules a file on disk obeys: its real place
    /// (the file's, or for a document not saved yet its directory's) inside the allowed
    /// roots and not a special file system, and its size within the limit.
    fn read_text(&self, path: &Path, text: &str, n: u64, check_size: bool) -> Result<Vec<u8>, ReadError> {
        if !matches!(self.source, Source::Text { .. }) {
            let real = match self.keys.canonical(path) {
                Ok(real) => real,
                Err(_) => {
                    let abs = Overlay::key(path);
                    let dir = abs.parent().unwrap_or(Path::new("/"));
                    self.keys.canonical(dir)?.join(abs.file_name().unwrap_or_default())
                }
            };
            if ["/proc", "/sys", "/dev"].iter().any(|p| real.starts_with(p)) {
                return Err(ReadError::Special);
            }
            if let Some(allowed) = &self.allowed {
                if !allowed.iter().any(|root| real.starts_with(root)) {
                    return Err(ReadError::OutsideRepository);
                }
            }
        }
        if check_size && text.len() as u64 > self.max_size {
            return Err(ReadError::TooLarge {
                size: text.len() as u64,
                limit: self.max_size,
            });
        }
        let end = usize::try_from(n).unwrap_or(usize::MAX).min(text.len());
        Ok(text.as_bytes()[..end].to_vec())
    }
}

fn check_regular(meta: &std::fs::Metadata, max_size: u64) -> Result<(), ReadError> {
    let t = meta.file_type();
    if !t.is_file() {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if t.is_fifo() {
                return Err(ReadError::NotRegular("a FIFO"));
            }
            if t.is_socket() {
                return Err(ReadError::NotRegular("a socket"));
            }
            if t.is_block_device() || t.is_char_device() {
                return Err(ReadError::NotRegular("a device"));
            }
        }
        if t.is_dir() {
            return Err(ReadError::NotRegular("a directory"));
        }
        return Err(ReadError::NotRegular("it"));
    }
    if meta.len() > max_size {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit: max_size,
        });
    }
    Ok(())
}

/// Opens for reading without blocking on a FIFO that replaced the file after the check.
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    opts.open(path)
}

/// The nearest directory at or above `dir` (canonical) that holds `.git`.
pub fn repository_root(dir: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(dir).ok()?;
    start
        .ancestors()
        .find(|a| a.join(".git").exists())
        .map(Path::to_path_buf)
}

/// Decodes file bytes as UTF-8, removing a BOM.
pub fn decode(bytes: Vec<u8>) -> Result<String, ReadError> {
    match decode_or_lossy(bytes) {
        (text, None) => Ok(text),
        (_, Some(e)) => Err(e),
    }
}

/// Decodes file bytes, removing a byte order mark: UTF-8 (BOM optional), or UTF-16 and
/// UTF-32 in either byte order when a BOM says so — Windows tools save ARM templates and
/// parameter files as UTF-16, and Azure reads them. When the bytes are not valid in their
/// encoding, also returns a lossy text (for showing where the problem is) and the error.
/// Never copies valid UTF-8.
pub fn decode_or_lossy(bytes: Vec<u8>) -> (String, Option<ReadError>) {
    // UTF-32 LE's BOM starts like UTF-16 LE's: test it first.
    let units = |width: usize, bom: &[u8], be: bool| (bytes.starts_with(bom)).then_some((width, be));
    let wide = units(4, &[0xFF, 0xFE, 0, 0], false)
        .or_else(|| units(4, &[0, 0, 0xFE, 0xFF], true))
        .or_else(|| units(2, &[0xFF, 0xFE], false))
        .or_else(|| units(2, &[0xFE, 0xFF], true));
    if let Some((width, be)) = wide {
        return decode_wide(&bytes[width..], width, be);
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            (text, None)
        }
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            (lossy, Some(ReadError::NotUtf8 { offset }))
        }
    }
}

/// UTF-16 (`width` 2) or UTF-32 (`width` 4) after the BOM; the first invalid code unit
/// (an unpaired surrogate, a value past U+10FFFF, a trailing odd byte) is reported and
/// replaced by U+FFFD, as is every later one.
fn decode_wide(b: &[u8], width: usize, be: bool) -> (String, Option<ReadError>) {
    let encoding = match (width, be) {
        (2, false) => "UTF-16 LE",
        (2, true) => "UTF-16 BE",
        (_, false) => "UTF-32 LE",
        (_, true) => "UTF-32 BE",
    };
    let mut out = String::with_capacity(b.len() / width);
    let mut error = None;
    let mut fail = |out: &mut String, byte: usize| {
        if error.is_none() {
            error = Some(ReadError::BadUnicode {
                encoding,
                offset: out.len(),
                byte: byte + width,
            });
        }
        out.push(char::REPLACEMENT_CHARACTER);
    };
    let chunks = b.chunks_exact(width);
    let rest = chunks.remainder().len();
    if width == 2 {
        let units = chunks.map(|c| {
            if be {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from_le_bytes([c[0], c[1]])
            }
        });
        let mut at = 0;
        for r in char::decode_utf16(units) {
            match r {
                Ok(c) => {
                    out.push(c);
                    at += c.len_utf16() * 2;
                }
                Err(_) => {
                    fail(&mut out, at);
                    at += 2;
                }
            }
        }
    } else {
        for (i, c) in chunks.enumerate() {
            let n = if be {
                u32::from_be_bytes([c[0], c[1], c[2], c[3]])
            } else {
                u32::from_le_bytes([c[0], c[1], c[2], c[3]])
            };
            match char::from_u32(n) {
                Some(ch) => out.push(ch),
                None => fail(&mut out, i * 4),
            }
        }
    }
    if rest > 0 {
        fail(&mut out, b.len() - rest);
    }
    (out, error)
}

/// The files of one run. Files are added while a run discovers them (module sources,
/// parameter files), from any thread; a file is never removed, so a [`FileId`] stays valid.
#[derive(Default)]
pub struct Files {
    files: RwLock<Vec<Arc<SourceFile>>>,
    base: Option<PathBuf>,
    policy: ReadPolicy,
}

impl Files {
    /// Paths are displayed relative to `base` (usually the working directory).
    pub fn new(base: Option<PathBuf>) -> Files {
        Files::with_policy(base, ReadPolicy::default())
    }

    pub fn with_policy(base: Option<PathBuf>, policy: ReadPolicy) -> Files {
        Files {
            files: RwLock::default(),
            base,
            policy,
        }
    }

    /// What this run may read.
    pub fn policy(&self) -> &ReadPolicy {
        &self.policy
    }

    /// The identity of a file or directory, as [`path_key`] gives it, cached for the run
    /// ([`PathKeys`]).
    pub fn key(&self, path: &Path) -> PathBuf {
        self.policy.keys.key(path)
    }

    /// Reads and registers a source file: the one way cosmolint reads a file (through
    /// [`ReadPolicy::read`]). When it cannot be read or decoded, the file is still
    /// registered (empty, or with its lossy text so the problem can be shown) and the
    /// diagnostic says why: `io-error` when it was not read, `encoding-error` when it is
    /// not text cosmolint can decode.
    pub fn read(&self, path: &Path) -> Result<Arc<SourceFile>, Box<crate::diagnostic::Diagnostic>> {
        use crate::diagnostic::{Diagnostic, ToolCode};
        let bytes = match self.policy.read(path) {
            Ok(b) => b,
            Err(e) => {
                let f = self.add(path.to_path_buf(), String::new());
                return Err(Box::new(Diagnostic::tool(
                    ToolCode::IoError,
                    Span::new(f.id, 0..0),
                    format!("cannot read {}: {e}", f.display),
                )));
            }
        };
        match decode_or_lossy(bytes) {
            (text, None) => Ok(self.add(path.to_path_buf(), text)),
            (lossy, Some(e)) => {
                let f = self.add(path.to_path_buf(), lossy);
                let at = e.offset();
                Err(Box::new(Diagnostic::tool(
                    ToolCode::EncodingError,
                    Span::new(f.id, at..at + 1),
                    e.to_string(),
                )))
            }
        }
    }

    /// Adds a file with the given text.
    pub fn add(&self, path: PathBuf, text: String) -> Arc<SourceFile> {
        let display = display_path(&path, self.base.as_deref());
        let mut files = self.files.write().unwrap_or_else(|e| e.into_inner());
        let id = FileId(u32::try_from(files.len()).unwrap_or(u32::MAX));
        let file = Arc::new(SourceFile::new(id, path, display, text.into()));
        files.push(file.clone());
        file
    }

    pub fn get(&self, id: FileId) -> Option<Arc<SourceFile>> {
        let files = self.files.read().unwrap_or_else(|e| e.into_inner());
        files.get(id.0 as usize).cloned()
    }

    /// Every file registered so far, in [`FileId`] order.
    pub fn all(&self) -> Vec<Arc<SourceFile>> {
        self.files.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn display_path(&self, path: &Path) -> String {
        display_path(path, self.base.as_deref())
    }

    /// [`uri_path`] of a path, relative to the base like its displayed path.
    pub fn uri_path(&self, path: &Path) -> String {
        uri_path(path, self.base.as_deref())
    }
}

/// `path` relative to `base` when below it, with forward slashes and no leading `./`.
/// Lossless for names that are not UTF-8: each invalid byte shows as `\xFF`, so two files
/// whose names differ only there never share a displayed path.
pub fn display_path(path: &Path, base: Option<&Path>) -> String {
    render_path(path, base, push_display)
}

/// The path as [`display_path`] chooses it, percent-encoded from its raw bytes for a URI
/// (RFC 3986): every byte but `A-Z a-z 0-9 - . _ ~` becomes `%XX`; components are joined
/// with `/`.
pub fn uri_path(path: &Path, base: Option<&Path>) -> String {
    render_path(path, base, push_uri)
}

fn render_path(path: &Path, base: Option<&Path>, push: fn(&mut String, &std::ffi::OsStr)) -> String {
    let rel = base
        .and_then(|b| path.strip_prefix(b).ok())
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(path);
    let mut out = String::new();
    for comp in rel.components() {
        use std::path::Component;
        match comp {
            Component::CurDir => continue,
            Component::RootDir => {
                out.push('/');
                continue;
            }
            Component::Prefix(p) => push(&mut out, p.as_os_str()),
            Component::ParentDir => out.push_str(".."),
            Component::Normal(s) => push(&mut out, s),
        }
        out.push('/');
    }
    if out.len() > 1 && out.ends_with('/') {
        out.pop();
    }
    out
}

fn push_display(out: &mut String, s: &std::ffi::OsStr) {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        for chunk in s.as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02X}"));
            }
        }
    }
    #[cfg(not(unix))]
    out.push_str(&s.to_string_lossy());
}

fn push_uri(out: &mut String, s: &std::ffi::OsStr) {
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        s.as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = s.to_string_lossy().replace('\\', "/").into_bytes();
    for b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// Removes `.` and resolves `..` without touching the file system. A `..` that climbs
/// above the start of a relative path is kept (`a/../../b` is `../b`); a path that
/// resolves to where it starts is `.`, never empty (an empty path names no directory).
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // `/..` is `/`.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            c => out.push(c),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Identity of a file or directory: canonical when it exists (it can be reached through a
/// relative path, an absolute one or a module source with `..`), else normalized.
pub fn path_key(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| normalize(path))
}

/// [`path_key`] for one run, cached by directory. Canonicalizing costs a system call per
/// path component, so keying every directory of a deep tree from scratch is quadratic (a
/// chain of 450 nested module directories took 5 s, 1 M `readlink` calls); with each
/// parent's key cached, a new path costs one `symlink_metadata`. Per run, not global: a
/// long-running editor session must see renamed directories and new links.
#[derive(Debug, Default)]
pub struct PathKeys {
    cache: std::sync::Mutex<std::collections::HashMap<PathBuf, PathBuf>>,
}

impl PathKeys {
    /// The same key [`path_key`] gives.
    pub fn key(&self, path: &Path) -> PathBuf {
        let abs = std::path::absolute(path).map_or_else(|_| normalize(path), |p| normalize(&p));
        self.key_of(&abs).unwrap_or_else(|| normalize(path))
    }

    /// What `std::fs::canonicalize` gives, cached: the real path, an error when it does not
    /// exist. A path with `..` is resolved by the OS (`..` after a symlink is the link
    /// target's parent, which lexical normalizing would not see).
    pub fn canonical(&self, path: &Path) -> std::io::Result<PathBuf> {
        use std::path::Component;
        if path.components().any(|c| c == Component::ParentDir) {
            return std::fs::canonicalize(path);
        }
        let abs = std::path::absolute(path).map(|p| normalize(&p))?;
        match self.key_of(&abs) {
            Some(real) => Ok(real),
            // Not there (or not reachable): the OS says why, in its words.
            None => std::fs::canonicalize(path),
        }
    }

    /// The canonical form of an absolute normalized path; `None` when it does not exist.
    fn key_of(&self, abs: &Path) -> Option<PathBuf> {
        let cache = || self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(k) = cache().get(abs) {
            return Some(k.clone());
        }
        let key = match (abs.parent(), abs.file_name()) {
            (Some(parent), Some(name)) => {
                let candidate = self.key_of(parent)?.join(name);
                match std::fs::symlink_metadata(&candidate) {
                    Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(&candidate).ok()?,
                    Ok(_) => candidate,
                    Err(_) => return None,
                }
            }
            _ => std::fs::canonicalize(abs).ok()?,
        };
        cache().insert(abs.to_path_buf(), key.clone());
        Some(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_real_paths_are_what_canonicalize_gives() {
        let tmp = std::env::temp_dir().join(format!("cosmolint-real-{}", std::process::id()));
        std::fs::create_dir_all(tmp.join("a/b")).unwrap();
        std::fs::write(tmp.join("a/b/f.tf"), "").unwrap();
        let keys = PathKeys::default();
        for p in [tmp.join("a/b/f.tf"), tmp.join("a/./b/f.tf"), tmp.join("a/b/../b/f.tf")] {
            assert_eq!(
                keys.canonical(&p).unwrap(),
                std::fs::canonicalize(&p).unwrap(),
                "{}",
                p.display()
            );
        }
        let missing = keys.canonical(&tmp.join("a/none.tf")).unwrap_err();
        assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
        #[cfg(unix)]
        {
            // `..` after a symlink is the target's parent: resolved by the OS, not lexically.
            std::fs::create_dir_all(tmp.join("elsewhere/x")).unwrap();
            std::fs::write(tmp.join("elsewhere/f.tf"), "").unwrap();
            std::os::unix::fs::symlink(tmp.join("elsewhere/x"), tmp.join("a/link")).unwrap();
            let through = tmp.join("a/link/../f.tf");
            assert_eq!(
                keys.canonical(&through).unwrap(),
                std::fs::canonicalize(&through).unwrap()
            );
            let real = keys.canonical(&tmp.join("a/link")).unwrap();
            assert_eq!(real, std::fs::canonicalize(tmp.join("elsewhere/x")).unwrap());
        }
        std::fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn cached_path_keys_are_the_canonical_keys() {
        let tmp = std::env::temp_dir().join(format!("cosmolint-keys-{}", std::process::id()));
        let deep = tmp.join("a/b/c");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(deep.join("main.tf"), "").unwrap();
        let keys = PathKeys::default();
        for p in [
            deep.join("main.tf"),
            deep.join("../c/./main.tf"),
            tmp.join("a/b"),
            tmp.join("missing/x.tf"),
        ] {
            assert_eq!(keys.key(&p), path_key(&normalize(&p)), "{}", p.display());
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(tmp.join("a/b"), tmp.join("link")).unwrap();
            let via_link = tmp.join("link/c/main.tf");
            assert_eq!(keys.key(&via_link), path_key(&via_link));
            assert_eq!(keys.key(&via_link), keys.key(&deep.join("main.tf")));
        }
        std::fs::remove_dir_all(&tmp).unwrap();
    }

    fn file(text: &str) -> SourceFile {
        SourceFile::new(FileId(0), "t".into(), "t".into(), text.into())
    }

    #[test]
    fn columns_count_characters_and_utf16_units() {
        let f = file("a = \"é😀x\"\nb");
        let x = f.text.find('x').unwrap() as u32;
        assert_eq!(f.line_col(x), LineCol { line: 1, column: 8 });
        // é is one UTF-16 unit, 😀 two.
        assert_eq!(f.utf16_pos(x), Utf16Pos { line: 0, character: 8 });
        let b = f.text.find('b').unwrap() as u32;
        assert_eq!(f.line_col(b), LineCol { line: 2, column: 1 });
    }

    #[test]
    fn crlf_does_not_shift_columns() {
        let f = file("a = 1\r\nbb = 2\r\n");
        let off = f.text.find("2").unwrap() as u32;
        assert_eq!(f.line_col(off), LineCol { line: 2, column: 6 });
    }

    #[test]
    fn a_lone_cr_ends_a_line_like_lf_and_crlf() {
        let f = file("a\rbb\r\nccc\nd😀e");
        let at = |s: &str| f.text.find(s).unwrap() as u32;
        assert_eq!(f.line_col(at("bb")), LineCol { line: 2, column: 1 });
        assert_eq!(f.line_col(at("ccc")), LineCol { line: 3, column: 1 });
        // The `\n` of a CRLF belongs to the line it ends.
        assert_eq!(f.line_col(at("\r\n") + 1), LineCol { line: 2, column: 4 });
        assert_eq!(f.utf16_pos(at("e")), Utf16Pos { line: 3, character: 3 });
        assert_eq!(f.line_col(at("e")), LineCol { line: 4, column: 3 });
        assert_eq!(f.line_start(3), Some(at("ccc")));
        assert_eq!(f.line_start(9), None);
        assert_eq!(f.line_of(at("d")), 3);
    }

    #[test]
    fn boms_choose_the_encoding() {
        let text = decode(b"\xEF\xBB\xBFx = 1".to_vec()).unwrap();
        assert_eq!(text, "x = 1");
        let utf16 = |s: &str, be: bool| -> Vec<u8> {
            let mut v = if be { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
            for u in s.encode_utf16() {
                v.extend(if be { u.to_be_bytes() } else { u.to_le_bytes() });
            }
            v
        };
        let utf32 = |s: &str, be: bool| -> Vec<u8> {
            let mut v = if be {
                vec![0, 0, 0xFE, 0xFF]
            } else {
                vec![0xFF, 0xFE, 0, 0]
            };
            for c in s.chars() {
                v.extend(if be {
                    (c as u32).to_be_bytes()
                } else {
                    (c as u32).to_le_bytes()
                });
            }
            v
        };
        let text = "{\"a\": \"é😀\"}\r\n";
        for be in [false, true] {
            assert_eq!(decode(utf16(text, be)).unwrap(), text);
            assert_eq!(decode(utf32(text, be)).unwrap(), text);
        }
        // An unpaired surrogate: reported at its place, replaced in the lossy text.
        let mut bad = utf16("ab", false);
        bad.extend([0x00, 0xD8]);
        bad.extend(utf16("c", false)[2..].iter());
        let (lossy, err) = decode_or_lossy(bad);
        assert_eq!(lossy, "ab\u{fffd}c");
        let err = err.unwrap();
        assert_eq!(err.offset(), 2);
        assert!(err.to_string().contains("UTF-16 LE"), "{err}");
        assert!(err.to_string().contains("byte 6"), "{err}");
        let (_, err) = decode_or_lossy(vec![0xFF, 0xFE, 0, 0, 0, 0, 0x11, 0]);
        assert!(err.unwrap().to_string().contains("UTF-32 LE"));
        assert!(matches!(
            decode(b"ab\xC3(".to_vec()),
            Err(ReadError::NotUtf8 { offset: 2 })
        ));
    }

    #[test]
    fn offsets_inside_a_character_do_not_panic() {
        let f = file("é");
        assert_eq!(f.line_col(1), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(99), LineCol { line: 1, column: 2 });
    }

    #[test]
    fn normalize_keeps_parents_above_the_start() {
        let n = |s: &str| normalize(Path::new(s)).to_string_lossy().replace('\\', "/");
        assert_eq!(n("examples/basic/../../"), ".");
        assert_eq!(n("../.."), "../..");
        assert_eq!(n("./../../modules/a"), "../../modules/a");
        assert_eq!(n("a/../../b"), "../b");
        assert_eq!(n("a/./b/../c"), "a/c");
        assert_eq!(n("."), ".");
        assert_eq!(n("/.."), "/");
    }

    #[test]
    fn display_paths_are_relative_with_forward_slashes() {
        let base = Path::new("/w");
        assert_eq!(display_path(Path::new("/w/a/b.tf"), Some(base)), "a/b.tf");
        assert_eq!(display_path(Path::new("./a/b.tf"), None), "a/b.tf");
        assert_eq!(display_path(Path::new("/x/b.tf"), Some(base)), "/x/b.tf");
        assert_eq!(uri_path(Path::new("/w/a b/é.tf"), Some(base)), "a%20b/%C3%A9.tf");
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_display_losslessly_and_encode_their_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let p = |b: &[u8]| PathBuf::from(std::ffi::OsStr::from_bytes(b));
        let a = p(b"dir\xff/cosmos\xfe.tf");
        let b = p(b"dir\xfe/cosmos\xfe.tf");
        assert_eq!(display_path(&a, None), "dir\\xFF/cosmos\\xFE.tf");
        assert_ne!(display_path(&a, None), display_path(&b, None));
        assert_eq!(uri_path(&a, None), "dir%FF/cosmos%FE.tf");
    }
}
