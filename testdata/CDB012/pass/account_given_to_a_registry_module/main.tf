resource "azurerm_cosmosdb_account" "main" {
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"
}

# Not installed by `terraform init`, so not followed: it is given the account and may
# deploy its diagnostic setting (as claranet's Cosmos DB module does).
module "diagnostics" {
  source  = "claranet/diagnostic-settings/azurerm"
  version = "~> 8.2.0"

  resource_id           = azurerm_cosmosdb_account.main.id
  logs_destinations_ids = ["/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/logs"]
}
