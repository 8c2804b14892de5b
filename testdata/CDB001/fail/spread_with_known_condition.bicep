param mongoDatabases array = [
  'legacy'
]

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: true
    ...(!empty(mongoDatabases)
      ? {
          disableLocalAuth: false // expect: CDB001
        }
      : {})
    disableKeyBasedMetadataWriteAccess: true
  }
}
