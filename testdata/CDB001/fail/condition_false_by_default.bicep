param deployCosmos bool = false

// Deployed only when someone sets `deployCosmos`: checked.
resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = if (deployCosmos) {
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: false // expect: CDB001
  }
}
