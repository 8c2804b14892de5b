module "cosmos" {
  source = "./modules/cosmos"
  for_each = {
    eu = true
    us = false
  }
  name         = "cosmos-${each.key}"
  disable_keys = each.value
}
