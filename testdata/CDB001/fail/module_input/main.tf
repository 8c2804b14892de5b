module "cosmos" {
  source             = "./modules/cosmos"
  disable_local_auth = false
}
