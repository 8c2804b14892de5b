resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = { // expect: CDB001
  name: 'contoso-cassandra'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    capabilities: [
      { name: 'EnableCassandra' }
    ]
    disableKeyBasedMetadataWriteAccess: true
  }
}
