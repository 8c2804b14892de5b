;;; eglot.el --- Emacs eglot as a real LSP client of `cosmolint lsp'  -*- lexical-binding: t -*-
;; Diagnostics land on the right characters (eglot converts UTF-16 columns to buffer
;; positions) through flymake; an edit that fixes the finding clears it; shutdown then
;; exit ends the server with status 0.
;; Run: COSMOLINT_BIN=... COSMOLINT_DIR=... emacs --batch -Q -l eglot.el
;; Debian's elpa-eglot is a package: activate installed packages first (-Q skips it).
(require 'package)
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)
(require 'eglot)
(require 'flymake)
(defun cosmolint-fail (fmt &rest args)
  (princ (concat "eglot: " (apply #'format fmt args) "\n") #'external-debugging-output)
  (kill-emacs 1))
(defun cosmolint-wait (pred)
  ;; Batch Emacs is never idle, so the idle timers that make eglot send changes and
  ;; flymake ask for diagnostics never fire: do both here, as an idle editor would.
  (let ((tries 0))
    (while (and (not (funcall pred)) (< tries 600))
      (accept-process-output nil 0.05)
      (when (bound-and-true-p eglot--managed-mode)
        (eglot--signal-textDocument/didChange)
        (flymake-start))
      (setq tries (1+ tries)))
    (funcall pred)))
(let* ((bin (getenv "COSMOLINT_BIN"))
       (dir (file-name-as-directory (getenv "COSMOLINT_DIR")))
       (file (expand-file-name "main.tf" dir))
       (eglot-sync-connect t))
  ;; The workspace is the project (no VC needed), as `project-current' finds it.
  (setq project-find-functions (list (lambda (_) (cons 'transient dir))))
  (find-file file)
  (fundamental-mode)
  (let ((server (eglot '(fundamental-mode) (project-current) 'eglot-lsp-server
                       (list bin "lsp") "terraform")))
    (eglot--maybe-activate-editing-mode)
    (unless (cosmolint-wait (lambda () (flymake-diagnostics)))
      (cosmolint-fail "no diagnostics"))
    (let* ((d (car (flymake-diagnostics)))
           (under (buffer-substring-no-properties (flymake-diagnostic-beg d) (flymake-diagnostic-end d))))
      (unless (string-match-p "CDB001\\|account keys" (flymake-diagnostic-text d))
        (cosmolint-fail "unexpected diagnostic %S" (flymake-diagnostic-text d)))
      (unless (equal under "false")
        (cosmolint-fail "diagnostic covers %S" under))
      ;; Fix it by editing the buffer, as a user would; eglot sends didChange.
      (goto-char (flymake-diagnostic-beg d))
      (delete-region (flymake-diagnostic-beg d) (flymake-diagnostic-end d))
      (insert "true")
      (unless (cosmolint-wait (lambda () (null (flymake-diagnostics))))
        (cosmolint-fail "still reported after the edit: %S" (mapcar #'flymake-diagnostic-text (flymake-diagnostics)))))
    ;; What `eglot-shutdown' sends, without its deleting the process right after `exit'.
    (let ((proc (jsonrpc--process server)))
      (jsonrpc-request server :shutdown nil)
      (jsonrpc-notify server :exit nil)
      (cosmolint-wait (lambda () (not (process-live-p proc))))
      (unless (eq (process-exit-status proc) 0)
        (cosmolint-fail "server exit status %S" (process-exit-status proc)))))
  (princ "eglot: ok\n")
  (kill-emacs 0))
