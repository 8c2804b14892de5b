module "cosmos" {
  source = "./modules/cosmos"
  create = false
}
