# azapi 1.x writes the body with jsonencode().
resource "azapi_resource" "account" {
  type      = "Microsoft.DocumentDB/databaseAccounts@2024-05-15"
  name      = "contoso-orders"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-orders"
  location  = "westeurope"
  body = jsonencode({
    kind = "MongoDB"
    properties = {
      databaseAccountOfferType = "Standard"
      locations                = [{ locationName = "westeurope", failoverPriority = 0 }]
      capabilities             = [{ name = "EnableMongo" }, { name = "EnableMongoRoleBasedAccessControl" }]
    }
  })
}
