# An old call, commented out: the text scan takes `../shared` for a module directory,
# but no parsed call uses it, so `shared` is still a root and is linted.
# module "cosmos" {
#   source = "../shared"
# }

resource "azurerm_resource_group" "rg" {
  name     = "rg"
  location = "westeurope"
}
