resource "azapi_resource" "account" { # expect: CDB009
  type      = "Microsoft.DocumentDB/databaseAccounts@2024-05-15"
  name      = "contoso-orders"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-orders"
  location  = "westeurope"
  body = {
    kind = "MongoDB"
    properties = {
      databaseAccountOfferType = "Standard"
      locations                = [{ locationName = "westeurope", failoverPriority = 0 }]
      capabilities             = [{ name = "EnableMongo" }]
    }
  }
}
