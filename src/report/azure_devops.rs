//! `--format azure-devops`: Azure Pipelines logging commands, one issue per diagnostic.
//!
//! ```text
//! ##vso[task.logissue type=error;sourcepath=main.tf;linenumber=19;columnnumber=35;code=CDB001]message
//! ```
//!
//! `task.logissue` knows only `error` and `warning`; info diagnostics are logged as warnings.
//!
//! Escaping follows the agent that reads the commands. microsoft/azure-pipelines-agent,
//! `src/Agent.Sdk/CommandStringConvertor.cs`, unescapes `;` (`%3B`), CR (`%0D`), LF (`%0A`)
//! and `]` (`%5D`), then `%AZP25` → `%`; and `Command.cs` applies that same `Unescape` to
//! property values and to the message. azure-pipelines-task-lib (`node/taskcommand.ts`:
//! `escape` for properties, `escapedata` for the message) writes `%` as `%AZP25`. We escape
//! all five in both halves: that is exact for what the agent decodes, so a message holding
//! the text `%3B` or `]` comes out as written rather than decoded or cut.

use super::{path, printable, range, summary_line};
use crate::diagnostic::Severity;
use crate::Report;

/// Escapes a logging command property value or message for the Azure Pipelines agent.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%AZP25"),
            ';' => out.push_str("%3B"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ']' => out.push_str("%5D"),
            c => out.push(c),
        }
    }
    out
}

pub fn render(report: &Report) -> String {
    let files = &report.files;
    let mut out = String::new();
    for d in &report.diagnostics {
        let (start, _) = range(files, d.span);
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning | Severity::Info => "warning",
        };
        // Terminal controls and line breaks from the input as visible escapes; only the
        // `\n` before `help:` is cosmolint's.
        let mut message = if d.is_rule() {
            format!("{} {}: {}", d.code, d.name, printable(&d.message))
        } else {
            printable(&d.message).into_owned()
        };
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(&printable(help));
        }
        // The agent runs only the first command of a line, but a reader of the log should
        // not find a second one in a name either.
        let message = message.replace("##vso[", "##vso\\[");
        out.push_str(&format!(
            "##vso[task.logissue type={kind};sourcepath={};linenumber={};columnnumber={};code={}]{}\n",
            escape(&path(files, d.span)),
            start.line,
            start.column,
            escape(d.code),
            escape(&message),
        ));
    }
    out.push_str(&format!("cosmolint: {}\n", summary_line(report)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The agent's decoding (`CommandStringConvertor.Unescape` with percent decoding on).
    fn agent_unescape(s: &str) -> String {
        s.replace("%3B", ";")
            .replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%5D", "]")
            .replace("%AZP25", "%")
    }

    #[test]
    fn escapes_the_agents_special_characters() {
        assert_eq!(escape("a;b]c%d\r\ne"), "a%3Bb%5Dc%AZP25d%0D%0Ae");
        assert_eq!(escape("x::set-env"), "x::set-env");
    }

    #[test]
    fn escaped_text_decodes_to_the_original() {
        for s in [
            "100%",
            "%3B literal",
            "]##vso[task.complete result=Failed]",
            "a\nb;c",
            "%AZP25",
            "%%5D",
        ] {
            let e = escape(s);
            assert!(!e.contains([';', ']', '\n', '\r']), "{e}");
            assert_eq!(agent_unescape(&e), s);
        }
    }
}
