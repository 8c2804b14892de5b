param settings object = {
  keys: { enabled: true }
}

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    // The grammar alone reads this as `(!settings).keys.enabled`.
    disableLocalAuth: !settings.keys.enabled // expect: CDB001
    disableKeyBasedMetadataWriteAccess: true
  }
}
