# The module's source is written with a comment before `=`, which the text scan that
# schedules directories does not see; the parsed call still makes the module a module,
# so its insecure default (linted early, on its own) is not reported.
module "cosmos" {
  source /* pinned */ = "./modules/cosmos"
  disable_local_auth  = true
}
