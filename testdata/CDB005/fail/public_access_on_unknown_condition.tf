variable "environment" {
  type = string
}

# Open only outside production: the finding says when.
resource "azurerm_cosmosdb_account" "main" {
  name                          = "contoso"
  location                      = "westeurope"
  resource_group_name           = "rg"
  offer_type                    = "Standard"
  public_network_access_enabled = var.environment == "prod" ? false : true # expect: CDB005
}
