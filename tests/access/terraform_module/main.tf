module "orders" {
  source        = "./modules/cosmos"
  name          = "contoso-orders"
  app_principal = var.app_principal
}

resource "azurerm_role_assignment" "ops" {
  scope                = module.orders.account_id
  role_definition_name = "DocumentDB Account Contributor"
  principal_id         = "22222222-3333-4444-5555-666666666666"
  principal_type       = "Group"
}
