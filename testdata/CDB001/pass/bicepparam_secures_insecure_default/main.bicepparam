using './main.bicep'

param disableLocalAuth = true
