using './main.bicep'

var legacy = true
param disableLocalAuth = !legacy
