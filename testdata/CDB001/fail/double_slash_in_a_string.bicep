// `//` inside a string is not a comment. When it was read as one, the rest of the
// account was lost and the finding pointed at the header, saying the property was unset.
param vault string = 'https://contoso.vault.azure.net'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'orders'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    keyVaultKeyUri: '${vault}//keys/orders'
    disableLocalAuth: false // expect: CDB001
    disableKeyBasedMetadataWriteAccess: true
    publicNetworkAccess: 'Disabled'
  }
}
