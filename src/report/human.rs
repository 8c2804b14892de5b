//! `--format human`: miette reports with the source snippet, labels and help.
//!
//! Each finding starts with a `path:line:col` line counted in characters (miette's own
//! header counts bytes), then miette's snippet. Labels in other files (a variable default
//! in `variables.tf`, a module argument in the caller) become related reports with their
//! own snippets.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan,
    SpanContents,
};
use rayon::prelude::*;

use super::{defuse_commands, printable, range, snippet_text, summary_line};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{FileId, Files, SourceFile, Span};
use crate::Report;

#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    /// Terminal width for wrapping.
    pub width: usize,
}

struct Rendered {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    url: Option<String>,
    source: Snippet,
    labels: Vec<LabeledSpan>,
    related: Vec<Rendered>,
}

impl fmt::Debug for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code.as_ref().map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url.as_ref().map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic)))
    }
}

fn source_span(span: Span) -> SourceSpan {
    SourceSpan::new((span.start as usize).into(), (span.end - span.start) as usize)
}

/// A file as miette reads it. miette finds a span's lines by scanning its source from the
/// start, which made each diagnostic cost its file's size (10,000 findings in one file: 41
/// s); this source hands miette only the lines from the first context line on, found
/// through the file's line index. Its text is [`snippet_text`]: the file with unsafe
/// characters blanked in place, so offsets and lines are the file's.
#[derive(Clone)]
struct Snippet {
    name: String,
    text: Arc<str>,
    file: Option<Arc<SourceFile>>,
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let Some(file) = &self.file else {
            return Err(MietteError::OutOfBounds);
        };
        let offset = span.offset().min(self.text.len());
        let first = (file.line_of(offset as u32) as usize).saturating_sub(before);
        let start = file.line_start(first as u32 + 1).unwrap_or(0) as usize;
        let window = &self.text.as_bytes()[start..];
        let local = SourceSpan::new((offset - start).into(), span.len());
        let c = window.read_span(&local, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            c.data(),
            SourceSpan::new((c.span().offset() + start).into(), c.span().len()),
            c.line() + first,
            c.column(),
            c.line_count() + first,
        )))
    }
}

/// The snippet source of every file a diagnostic shows, computed once per file.
struct Sources(HashMap<FileId, Snippet>);

impl Sources {
    fn new(report: &Report) -> Sources {
        let mut ids: Vec<FileId> = report
            .diagnostics
            .iter()
            .flat_map(|d| std::iter::once(d.span.file).chain(d.labels.iter().map(|l| l.span.file)))
            .collect();
        ids.sort();
        ids.dedup();
        let map = ids
            .par_iter()
            .filter_map(|id| {
                let f = report.files.get(*id)?;
                let text = snippet_text(&f.text).map_or_else(|| f.text.clone(), Arc::from);
                let name = printable(&f.display).into_owned();
                Some((
                    *id,
                    Snippet {
                        name,
                        text,
                        file: Some(f),
                    },
                ))
            })
            .collect();
        Sources(map)
    }

    fn of(&self, span: Span) -> Snippet {
        self.0.get(&span.file).cloned().unwrap_or(Snippet {
            name: String::new(),
            text: Arc::from(""),
            file: None,
        })
    }
}

/// The displayed path of a span's file, safe to print.
fn path(files: &Files, span: Span) -> String {
    printable(&super::path(files, span)).into_owned()
}

fn to_miette(files: &Files, sources: &Sources, d: &Diagnostic) -> Rendered {
    let text = |s: &str| printable(s).into_owned();
    // A diagnostic about a whole path that has no text (a missing or unreadable file, an
    // unsupported one) has no snippet to show: an empty frame says nothing.
    let no_text = d.labels.is_empty() && files.get(d.span.file).is_none_or(|f| f.text.is_empty());
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        d.primary_label.as_deref().map(text),
        source_span(d.span),
    )];
    if no_text {
        labels.clear();
    }
    let mut related = Vec::new();
    let line_of = |s: Span| range(files, s).0.line;
    let primary_line = line_of(d.span);
    for l in &d.labels {
        // miette shows one snippet from the first to the last label; a label far from the
        // primary span gets its own snippet instead of dragging every line between along.
        if l.span.file == d.span.file && line_of(l.span).abs_diff(primary_line) <= 6 {
            labels.push(LabeledSpan::new_with_span(Some(text(&l.message)), source_span(l.span)));
        } else {
            let (start, _) = range(files, l.span);
            related.push(Rendered {
                message: format!(
                    "{}:{}:{}: {}",
                    path(files, l.span),
                    start.line,
                    start.column,
                    text(&l.message)
                ),
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                url: None,
                source: sources.of(l.span),
                labels: vec![LabeledSpan::new_with_span(Some(text(&l.message)), source_span(l.span))],
                related: Vec::new(),
            });
        }
    }
    Rendered {
        message: text(&d.message),
        code: Some(if d.is_rule() {
            format!("{}({})", d.code, d.name)
        } else {
            d.code.to_string()
        }),
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        help: d.help.as_deref().map(text),
        url: d.url.clone(),
        source: sources.of(d.span),
        labels,
        related,
    }
}

/// Renders every diagnostic, then a summary line.
pub fn render(report: &Report, style: Style, show_unresolved: bool) -> String {
    render_with(report, style, show_unresolved, false)
}

/// [`render`], listing suppressed findings (one line each, with the reason) when
/// `show_suppressed`.
pub fn render_with(report: &Report, style: Style, show_unresolved: bool, show_suppressed: bool) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::none()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_urls(true)
        .with_width(style.width)
        .with_context_lines(1);
    let sources = Sources::new(report);
    let rendered: Vec<String> = report
        .diagnostics
        .par_iter()
        .map(|d| {
            let (start, _) = range(&report.files, d.span);
            let mut out = format!(
                "{}:{}:{}: {}[{}]\n",
                path(&report.files, d.span),
                start.line,
                start.column,
                d.severity,
                d.code
            );
            if handler
                .render_report(&mut out, &to_miette(&report.files, &sources, d))
                .is_err()
            {
                out.push_str(&printable(&d.message));
                out.push('\n');
            }
            out.push('\n');
            out
        })
        .collect();
    let mut out = rendered.concat();
    if show_unresolved {
        for u in &report.unresolved {
            let (start, _) = range(&report.files, u.span);
            out.push_str(&format!(
                "{}:{}:{}: unresolved: {}: {}\n",
                path(&report.files, u.span),
                start.line,
                start.column,
                printable(&u.what),
                printable(&u.why)
            ));
        }
        for k in &report.skipped {
            let (start, _) = range(&report.files, k.span);
            out.push_str(&format!(
                "{}:{}:{}: not deployed: `{}`: {}\n",
                path(&report.files, k.span),
                start.line,
                start.column,
                k.resource,
                k.why
            ));
        }
        if !report.unresolved.is_empty() || !report.skipped.is_empty() {
            out.push('\n');
        }
    }
    if show_suppressed {
        for sup in &report.suppressed {
            let d = &sup.diagnostic;
            let (start, _) = range(&report.files, d.span);
            let (by, _) = range(&report.files, sup.by);
            out.push_str(&format!(
                "{}:{}:{}: suppressed {}[{}]: {}\n  reason ({}:{}): {}\n",
                path(&report.files, d.span),
                start.line,
                start.column,
                d.severity,
                d.code,
                printable(&d.message),
                path(&report.files, sup.by),
                by.line,
                printable(&sup.reason)
            ));
        }
        if !report.suppressed.is_empty() {
            out.push('\n');
        }
    }
    out.push_str(&super::baseline_lines(report));
    let s = &report.summary;
    let skipped = if s.skipped > 0 {
        format!(
            "; {} {} not deployed with these inputs",
            s.skipped,
            plural(s.skipped, "resource is", "resources are")
        )
    } else {
        String::new()
    };
    out.push_str(&format!(
        "{}; {} {} could not be resolved offline{skipped}{}\n",
        summary_line(report),
        s.unresolved,
        plural(s.unresolved, "value", "values"),
        match (
            (s.unresolved > 0 || s.skipped > 0) && !show_unresolved,
            s.suppressed > 0 && !show_suppressed
        ) {
            (true, true) => " (--show-unresolved and --show-suppressed list them)",
            (true, false) => " (--show-unresolved lists them)",
            (false, true) => " (--show-suppressed lists the suppressed findings)",
            (false, false) => "",
        },
    ));
    defuse_commands(out)
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}
