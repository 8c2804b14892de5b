var accounts = [
  {
    name: 'team-a'
    disableLocalAuth: true
  }
  {
    name: 'team-b'
    disableLocalAuth: false
  }
]

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = [for (a, i) in accounts: {
  name: a.name
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: a.disableLocalAuth // expect: CDB001
    disableKeyBasedMetadataWriteAccess: true
  }
}]
