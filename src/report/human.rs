//! `--format human`: miette reports with the source snippet, labels and help.
//!
//! Each finding starts with a `path:line:col` line counted in characters (miette's own
//! header counts bytes), then miette's snippet. Labels in other files (a variable default
//! in `variables.tf`, a module argument in the caller) become related reports with their
//! own snippets.

use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use rayon::prelude::*;

use super::{path, range, summary_line};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{Files, Span};
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
    source: NamedSource<Arc<str>>,
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

fn source_of(files: &Files, span: Span) -> NamedSource<Arc<str>> {
    match files.get(span.file) {
        Some(f) => NamedSource::new(f.display.clone(), f.text.clone()),
        None => NamedSource::new("", Arc::from("")),
    }
}

fn to_miette(files: &Files, d: &Diagnostic) -> Rendered {
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        d.primary_label.clone(),
        source_span(d.span),
    )];
    let mut related = Vec::new();
    let line_of = |s: Span| range(files, s).0.line;
    let primary_line = line_of(d.span);
    for l in &d.labels {
        // miette shows one snippet from the first to the last label; a label far from the
        // primary span gets its own snippet instead of dragging every line between along.
        if l.span.file == d.span.file && line_of(l.span).abs_diff(primary_line) <= 6 {
            labels.push(LabeledSpan::new_with_span(Some(l.message.clone()), source_span(l.span)));
        } else {
            let (start, _) = range(files, l.span);
            related.push(Rendered {
                message: format!("{}:{}:{}: {}", path(files, l.span), start.line, start.column, l.message),
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                url: None,
                source: source_of(files, l.span),
                labels: vec![LabeledSpan::new_with_span(Some(l.message.clone()), source_span(l.span))],
                related: Vec::new(),
            });
        }
    }
    Rendered {
        message: d.message.clone(),
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
        help: d.help.clone(),
        url: d.url.clone(),
        source: source_of(files, d.span),
        labels,
        related,
    }
}

/// Renders every diagnostic, then a summary line.
pub fn render(report: &Report, style: Style, show_unresolved: bool) -> String {
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
    // miette locates a snippet by scanning its file from the start, so each diagnostic
    // costs about its file's size: render them in parallel, then join them in order.
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
            if handler.render_report(&mut out, &to_miette(&report.files, d)).is_err() {
                out.push_str(&d.message);
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
                u.what,
                u.why
            ));
        }
        if !report.unresolved.is_empty() {
            out.push('\n');
        }
    }
    let s = &report.summary;
    out.push_str(&format!(
        "{}; {} {} could not be resolved offline{}\n",
        summary_line(report),
        s.unresolved,
        plural(s.unresolved, "value", "values"),
        if s.unresolved > 0 && !show_unresolved {
            " (--show-unresolved lists them)"
        } else {
            ""
        },
    ));
    out
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}
