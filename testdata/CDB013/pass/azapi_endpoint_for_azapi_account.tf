resource "azapi_resource" "account" {
  type      = "Microsoft.DocumentDB/databaseAccounts@2024-05-15"
  name      = "contoso-orders"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-orders"
  location  = "westeurope"
  body = {
    properties = {
      databaseAccountOfferType = "Standard"
      locations                = [{ locationName = "westeurope", failoverPriority = 0 }]
    }
  }
}

resource "azapi_resource" "endpoint" {
  type      = "Microsoft.Network/privateEndpoints@2023-11-01"
  name      = "pe-orders"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-orders"
  location  = "westeurope"
  body = jsonencode({
    properties = {
      subnet = { id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/endpoints" }
      privateLinkServiceConnections = [{
        name       = "orders"
        properties = { privateLinkServiceId = azapi_resource.account.id, groupIds = ["Sql"] }
      }]
    }
  })
}
