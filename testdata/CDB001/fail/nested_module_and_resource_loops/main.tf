module "region" {
  source   = "./modules/region"
  for_each = toset(["eu", "us"])
  region   = each.key
}
