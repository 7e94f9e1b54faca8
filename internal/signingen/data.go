package signingen

// The tables below are returned by functions, not held in package
// variables, so the program has no global mutable state. Everything is
// fictitious except the first-party Microsoft application and resource
// IDs, which are the public ones.

// personName is a first or last name as displayed and as folded to ASCII
// for the user principal name.
type personName struct{ display, ascii string }

func ascii(display string) personName { return personName{display, lower(display)} }

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func firstNames() []personName {
	return []personName{
		ascii("James"), ascii("Mary"), ascii("Robert"), ascii("Patricia"), ascii("John"), ascii("Jennifer"), ascii("Michael"),
		ascii("Linda"), ascii("David"), ascii("Elizabeth"), ascii("William"), ascii("Barbara"), ascii("Richard"), ascii("Susan"),
		ascii("Joseph"), ascii("Jessica"), ascii("Thomas"), ascii("Sarah"), ascii("Charles"), ascii("Karen"), ascii("Daniel"),
		ascii("Nancy"), ascii("Matthew"), ascii("Lisa"), ascii("Anthony"), ascii("Grace"), ascii("Mark"), ascii("Sandra"),
		ascii("Steven"), ascii("Ashley"), ascii("Andrew"), ascii("Emily"), ascii("Joshua"), ascii("Michelle"), ascii("Kevin"),
		ascii("Amanda"), ascii("Brian"), ascii("Melissa"), ascii("George"), ascii("Stephanie"), ascii("Priya"), ascii("Arjun"),
		ascii("Aisha"), ascii("Omar"), ascii("Wei"), ascii("Mei"), ascii("Hiroshi"), ascii("Yuki"), ascii("Hana"), ascii("Kenji"),
		ascii("Nadia"), ascii("Ivan"), ascii("Olga"), ascii("Dmitri"), ascii("Fatima"), ascii("Ahmed"), ascii("Carlos"),
		{"Lucía", "lucia"}, {"José", "jose"}, {"Sofía", "sofia"}, ascii("Mateo"), ascii("Valentina"),
		{"Chloé", "chloe"}, {"Léa", "lea"}, ascii("Lukas"), {"Björn", "bjorn"}, {"Søren", "soren"},
		ascii("Ingrid"), ascii("Freya"), ascii("Niamh"), ascii("Siobhan"), ascii("Liam"), ascii("Chinedu"), ascii("Amara"),
		ascii("Kwame"), ascii("Zanele"), ascii("Thandiwe"), ascii("Elif"), ascii("Mehmet"), ascii("Ngozi"),
	}
}

func lastNames() []personName {
	return []personName{
		ascii("Smith"), ascii("Johnson"), ascii("Williams"), ascii("Brown"), ascii("Jones"), ascii("Miller"), ascii("Davis"),
		ascii("Wilson"), ascii("Anderson"), ascii("Taylor"), ascii("Thomas"), ascii("Moore"), ascii("Martin"), ascii("Jackson"),
		ascii("Thompson"), ascii("White"), ascii("Harris"), ascii("Clark"), ascii("Lewis"), ascii("Robinson"), ascii("Walker"),
		ascii("Young"), ascii("Allen"), ascii("King"), ascii("Wright"), ascii("Scott"), ascii("Hill"), ascii("Green"), ascii("Adams"),
		ascii("Baker"), ascii("Nelson"), ascii("Carter"), ascii("Mitchell"), ascii("Roberts"), ascii("Turner"), ascii("Phillips"),
		ascii("Campbell"), ascii("Parker"), ascii("Evans"), ascii("Edwards"), ascii("Raman"), ascii("Patel"), ascii("Sharma"),
		ascii("Okafor"), ascii("Adeyemi"), ascii("Mensah"), ascii("Kobayashi"), ascii("Tanaka"), ascii("Nakamura"), ascii("Chen"),
		ascii("Wang"), ascii("Liu"), ascii("Nguyen"), ascii("Kim"), ascii("Park"), {"García", "garcia"},
		{"Martínez", "martinez"}, {"Rodríguez", "rodriguez"}, {"Hernández", "hernandez"},
		{"Müller", "muller"}, ascii("Schmidt"), ascii("Schneider"), ascii("Fischer"), ascii("Weber"), ascii("Dubois"),
		{"Lefèvre", "lefevre"}, ascii("Rossi"), ascii("Bianchi"), ascii("Kowalski"), ascii("Nowak"),
		{"Ødegård", "odegard"}, ascii("Johansson"), ascii("Lindqvist"), {"O'Brien", "obrien"}, ascii("Murphy"),
		ascii("Kelly"), {"Novák", "novak"}, {"Dvořák", "dvorak"}, ascii("Yilmaz"), ascii("Kaya"),
	}
}

// location is a city as Entra geolocates it.
type location struct {
	city, state, country string
	lat, long            float64
	office               string // office code when the company has an office there
}

func locations() []location {
	return []location{
		{"Seattle", "Washington", "US", 47.6062, -122.3321, "SEA"},
		{"New York", "New York", "US", 40.7128, -74.006, "NYC"},
		{"Austin", "Texas", "US", 30.2672, -97.7431, "AUS"},
		{"London", "England", "GB", 51.5074, -0.1278, "LON"},
		{"Berlin", "Berlin", "DE", 52.52, 13.405, "BER"},
		{"Bengaluru", "Karnataka", "IN", 12.9716, 77.5946, "BLR"},
		{"Toronto", "Ontario", "CA", 43.6532, -79.3832, "TOR"},
		{"São Paulo", "São Paulo", "BR", -23.5505, -46.6333, "SAO"},
		{"Sydney", "New South Wales", "AU", -33.8688, 151.2093, "SYD"},
		{"Chicago", "Illinois", "US", 41.8781, -87.6298, ""},
		{"Denver", "Colorado", "US", 39.7392, -104.9903, ""},
		{"San Francisco", "California", "US", 37.7749, -122.4194, ""},
		{"Boston", "Massachusetts", "US", 42.3601, -71.0589, ""},
		{"Atlanta", "Georgia", "US", 33.749, -84.388, ""},
		{"Vancouver", "British Columbia", "CA", 49.2827, -123.1207, ""},
		{"Ciudad de México", "Ciudad de México", "MX", 19.4326, -99.1332, ""},
		{"Dublin", "Dublin", "IE", 53.3498, -6.2603, ""},
		{"Amsterdam", "Noord-Holland", "NL", 52.3676, 4.9041, ""},
		{"Paris", "Île-de-France", "FR", 48.8566, 2.3522, ""},
		{"Munich", "Bayern", "DE", 48.1351, 11.582, ""},
		{"Zürich", "Zurich", "CH", 47.3769, 8.5417, ""},
		{"Copenhagen", "Hovedstaden", "DK", 55.6761, 12.5683, ""},
		{"Stockholm", "Stockholms län", "SE", 59.3293, 18.0686, ""},
		{"Madrid", "Madrid", "ES", 40.4168, -3.7038, ""},
		{"Milan", "Lombardia", "IT", 45.4642, 9.19, ""},
		{"Warsaw", "Mazowieckie", "PL", 52.2297, 21.0122, ""},
		{"Bucharest", "Bucuresti", "RO", 44.4268, 26.1025, ""},
		{"Singapore", "Singapore", "SG", 1.3521, 103.8198, ""},
		{"Tokyo", "Tokyo", "JP", 35.6762, 139.6503, ""},
		{"Johannesburg", "Gauteng", "ZA", -26.2041, 28.0473, ""},
	}
}

// resource is what a sign-in requests a token for.
type resource struct{ name, id string }

// The resources, by index into resources().
const (
	resGraph = iota
	resExchange
	resSharePoint
	resTeams
	resARM
	resKeyVault
	resAAD
	resIntune
)

func resources() []resource {
	return []resource{
		resGraph:      {"Microsoft Graph", "00000003-0000-0000-c000-000000000000"},
		resExchange:   {"Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000"},
		resSharePoint: {"Office 365 SharePoint Online", "00000003-0000-0ff1-ce00-000000000000"},
		resTeams:      {"Microsoft Teams Services", "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe"},
		resARM:        {"Windows Azure Service Management API", "797f4846-ba00-4fd7-ba43-dac1f8f63013"},
		resKeyVault:   {"Azure Key Vault", "cfa8b339-82a2-471a-a3c9-0fc0be7a4093"},
		resAAD:        {"Windows Azure Active Directory", "00000002-0000-0000-c000-000000000000"},
		resIntune:     {"Microsoft Intune", "0000000a-0000-0000-c000-000000000000"},
	}
}

// appKind says which clients an application signs in from.
type appKind uint8

const (
	kindWeb           appKind = iota // any browser
	kindOffice                       // Outlook desktop on Windows, else the browser
	kindTeams                        // the Teams desktop client, else the browser
	kindOneDrive                     // the OneDrive sync client (Windows, macOS)
	kindCLI                          // Azure CLI
	kindPowerShell                   // Azure PowerShell
	kindVSCode                       // Visual Studio Code
	kindWindows                      // Windows sign-in (Windows only)
	kindEdge                         // Microsoft Edge profile sign-in
	kindOutlookMobile                // Outlook on a phone
	kindPhoneApp                     // another phone app (Company Portal, Authenticator)
	kindThirdParty                   // a third-party web app users consent to
)

// app is a client application users sign in to.
type app struct {
	id, name  string
	kind      appKind
	resources []int
	// weights of the app in each context; see the ctx constants in gen.go.
	weights [numContexts]int
	// consent65001 is the failure reason of error 65001, which names the app.
	consent65001 string
}

func apps() []*app {
	// weights: interactive desktop, interactive phone, non-interactive desktop, non-interactive phone.
	return []*app{
		{id: "d3590ed6-52b3-4102-aeff-aad2292ab01c", name: "Microsoft Office", kind: kindOffice, resources: []int{resExchange, resGraph, resSharePoint}, weights: [numContexts]int{24, 0, 30, 0}},
		{id: "1fec8e78-bce4-4aaf-ab1b-5451cc387264", name: "Microsoft Teams", kind: kindTeams, resources: []int{resTeams, resGraph}, weights: [numContexts]int{16, 0, 30, 0}},
		{id: "ab9b8c07-8f02-4f72-87fa-80105867a763", name: "OneDrive SyncEngine", kind: kindOneDrive, resources: []int{resSharePoint}, weights: [numContexts]int{0, 0, 15, 0}},
		{id: "c44b4083-3bb0-49c1-b47d-974e53cbdf3c", name: "Azure Portal", kind: kindWeb, resources: []int{resARM}, weights: [numContexts]int{8, 1, 2, 0}},
		{id: "2793995e-0a7d-40d7-bd35-6968ba142197", name: "My Apps", kind: kindWeb, resources: []int{resAAD}, weights: [numContexts]int{6, 4, 0, 0}},
		{id: "4765445b-32c6-49b0-83e6-1d93765276ca", name: "OfficeHome", kind: kindWeb, resources: []int{resGraph}, weights: [numContexts]int{10, 10, 3, 0}},
		{id: "04b07795-8ddb-461a-bbee-02f9e1bf7b46", name: "Microsoft Azure CLI", kind: kindCLI, resources: []int{resARM, resGraph}, weights: [numContexts]int{3, 0, 2, 0}},
		{id: "1950a258-227b-4e31-a9cf-717495945fc2", name: "Microsoft Azure PowerShell", kind: kindPowerShell, resources: []int{resARM}, weights: [numContexts]int{2, 0, 1, 0}},
		{id: "aebc6443-996d-45c2-90f0-388ff96faa56", name: "Visual Studio Code", kind: kindVSCode, resources: []int{resARM, resGraph}, weights: [numContexts]int{3, 0, 2, 0}},
		{id: "38aa3b87-a06d-4817-b275-7a316988d93b", name: "Windows Sign In", kind: kindWindows, resources: []int{resAAD}, weights: [numContexts]int{0, 0, 15, 0}},
		{id: "ecd6b820-32c2-49b6-98a6-444530e5a77a", name: "Microsoft Edge", kind: kindEdge, resources: []int{resGraph}, weights: [numContexts]int{0, 0, 6, 0}},
		{id: "27922004-5251-4030-b22d-91ecd9a37ea4", name: "Outlook Mobile", kind: kindOutlookMobile, resources: []int{resExchange}, weights: [numContexts]int{0, 30, 0, 50}},
		{id: "9ba1a5c7-f17a-4de9-a1f1-6178c8d51223", name: "Microsoft Intune Company Portal", kind: kindPhoneApp, resources: []int{resIntune}, weights: [numContexts]int{0, 2, 0, 10}},
		{id: "4813382a-8fa7-425e-ab75-3b753aab3abb", name: "Microsoft Authenticator App", kind: kindPhoneApp, resources: []int{resAAD}, weights: [numContexts]int{0, 2, 0, 10}},
		thirdParty("4397986c-92f5-4d79-940e-5a1530e3f6df", "Ledgerly Expense Sync"),
		thirdParty("cc3008b5-d020-45cd-b2d7-e0bff93ee73f", "Sendwise Mail Backup"),
		thirdParty("4dbde855-220a-466b-81af-20c7a71d2f7b", "Quillmate Notes"),
		thirdParty("598cd9e0-3df4-4e14-8a8f-af702b5e4681", "Tallyhaus Analytics"),
		thirdParty("7c9f1434-e035-43cf-9ff3-5510e1f0e1a8", "Café Planner ☕"),
		thirdParty("e89e1eaf-49c4-40de-ba96-1ebf67d283b1", "Brightdesk Helpdesk"),
		thirdParty("d38bcfa1-fceb-4e27-a0f8-8e8667363850", "Northwind Timesheets"),
		thirdParty("a193432e-4a84-4b58-8a9a-74406f0c2e26", "Pixelcrate Design Studio"),
		thirdParty("8cbb0158-f0fe-454f-b18a-135845f8915e", "Slatebox CRM"),
		thirdParty("2ac55620-5a58-4110-831e-715e4184a801", "Driftwood Travel Booking"),
		thirdParty("c691535c-23aa-4790-ab2c-aecbd98b9291", "Kitewire Surveys"),
		thirdParty("99f5aa15-3e5e-4fbc-8e38-36f46774a9c9", "Lumenfield HR Portal"),
		thirdParty("f77ba31f-a65d-43cf-9343-cc34a9f2d8ae", "Parcelpoint Shipping"),
	}
}

func thirdParty(id, name string) *app {
	return &app{
		id: id, name: name, kind: kindThirdParty, resources: []int{resGraph},
		weights: [numContexts]int{2, 1, 1, 0},
		consent65001: "The user or administrator has not consented to use the application with ID '" + id +
			"' named '" + name + "'. Send an interactive authorization request for this user and resource.",
	}
}

// workload is a service principal or managed identity that signs in by
// itself.
type workload struct {
	appID, spID, name string
	managed           bool
	ip                string
	loc               int // index into locations()
	resources         []int
}

func workloads() []workload {
	return []workload{
		{"436ed65d-7eb4-4d7e-bd76-b59dba56fe28", "8b6287d5-c4ca-4105-ac76-33bb500ec7c2", "Orbitline Reporting Connector", false, "192.0.2.77", 16, []int{resGraph}},
		{"f12368a8-ceeb-4bb0-b164-9f7bb62f8642", "c31fc86e-df2f-4b5d-aa6e-e60423e060fc", "Nightjar SIEM Collector", false, "192.0.2.201", 17, []int{resGraph}},
		{"a7ba74a2-c8db-4417-922e-dc9dc6a897f7", "b46076d2-1746-43fe-913a-1adf5777283e", "Ledgerly Billing Daemon", false, "192.0.2.202", 0, []int{resGraph, resExchange}},
		{"b8333a58-0fd2-4493-a8db-f98f64456f50", "c9f505a6-944e-41c1-a314-e105b2e15697", "Terraform Deployer", false, "192.0.2.203", 17, []int{resARM}},
		{"de9986b1-ec15-4328-8213-65ec9a50751c", "bf267d56-815f-40df-858b-1165439946fd", "HR Feed Importer", false, "192.0.2.204", 3, []int{resGraph}},
		{"f901dcf9-7f0e-4e5a-a628-015f4434f121", "e8dd75b3-954c-4daa-8a34-358975242909", "func-invoice-prod", true, "192.0.2.10", 17, []int{resKeyVault}},
		{"3029d0dc-8270-4b5b-8175-4a23d84cc00d", "bc77e568-e761-41f9-bfcc-3a6d1792d229", "vm-backup-agent-01", true, "192.0.2.11", 17, []int{resARM}},
		{"d62bb244-0990-4722-af1c-49273c01baae", "e0bf553c-00fe-4939-906f-841a27e68365", "aks-agentpool-prod", true, "192.0.2.12", 16, []int{resARM, resKeyVault}},
		{"65566cc6-92b4-4a5a-b53e-9ae7987becb1", "776449eb-a72e-46f1-a078-27297f31d975", "logic-orders-sync", true, "192.0.2.13", 16, []int{resGraph}},
	}
}

// policy is a Conditional Access policy.
type policy struct {
	id, name       string
	grant, session []string
}

// The policies, by index into policies().
const (
	caRequireMFA = iota
	caBlockLegacy
	caBlockCountries
	caCompliantDevice
	caSignInFrequency
	caWorkloadLocations
	caWorkloadRisk
)

func policies() []policy {
	return []policy{
		caRequireMFA:        {"1675a967-9d50-4789-a2ed-85cd80b8246d", "CA001: Require MFA for all users", []string{"Mfa"}, nil},
		caBlockLegacy:       {"03531e89-4eb6-4680-81d5-1a042bf20653", "CA002: Block legacy authentication", []string{"Block"}, nil},
		caBlockCountries:    {"260bbae6-afab-42da-9d8f-11af7f2a60d3", "CA003: Block sign-ins from unapproved countries", []string{"Block"}, nil},
		caCompliantDevice:   {"919b8082-5f25-404a-a295-f72cd50223f9", "CA004: Require compliant or hybrid joined device (report-only)", []string{"RequireCompliantDevice", "RequireDomainJoinedDevice"}, nil},
		caSignInFrequency:   {"b80efcbb-4a42-4b16-a7dc-aef92afce25c", "CA010: Sign-in frequency for unmanaged devices", nil, []string{"SignInFrequency"}},
		caWorkloadLocations: {"ba774ff8-aea8-473a-9864-4d96dc2c8b3d", "CA020: Workload identities from trusted locations only", []string{"Block"}, nil},
		caWorkloadRisk:      {"744553f8-f805-48ed-9d0d-6d1eded5f288", "CA021: Block risky workload identities (report-only)", []string{"Block"}, nil},
	}
}

// client is what Entra derives from a user agent.
type client struct {
	ua, os, browser, clientApp string
}

const (
	browserApp = "Browser"
	richApp    = "Mobile Apps and Desktop clients"

	osWindows = "Windows 10" // Entra reports Windows 11 as Windows 10 too
	osMac     = "MacOs"
	osLinux   = "Linux"
	osIOS     = "iOS 17.3.1"
	osAndroid = "Android 10"
)

// platform is a device family and the clients it runs.
type platform uint8

const (
	platWindows platform = iota
	platMac
	platLinux
	platIOS
	platAndroid
	numPlatforms
)

// clients lists the user agents of each platform: the browsers, then the
// rich clients by app kind. A nil entry means the kind does not run there.
type clients struct {
	browsers [numPlatforms][]client
	rich     [numPlatforms]map[appKind]client
	spray    client // a password-spraying script
}

func newClients() clients {
	const (
		chrome122 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36"
		chrome123 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36"
		macChrome = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36"
	)
	var c clients
	c.browsers[platWindows] = []client{
		{chrome122 + " Edg/122.0.0.0", osWindows, "Edge 122.0.0", browserApp},
		{chrome123 + " Edg/123.0.0.0", osWindows, "Edge 123.0.0", browserApp},
		{chrome122, osWindows, "Chrome 122.0.0", browserApp},
		{chrome123, osWindows, "Chrome 123.0.0", browserApp},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0", osWindows, "Firefox 123.0", browserApp},
	}
	c.browsers[platMac] = []client{
		{macChrome, osMac, "Chrome 122.0.0", browserApp},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3.1 Safari/605.1.15", osMac, "Safari 17.3.1", browserApp},
		{macChrome + " Edg/122.0.0.0", osMac, "Edge 122.0.0", browserApp},
	}
	c.browsers[platLinux] = []client{
		{"Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0", osLinux, "Firefox 123.0", browserApp},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36", osLinux, "Chrome 122.0.0", browserApp},
	}
	c.browsers[platIOS] = []client{
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3.1 Mobile/15E148 Safari/604.1", osIOS, "Mobile Safari 17.3", browserApp},
	}
	c.browsers[platAndroid] = []client{
		{"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Mobile Safari/537.36", osAndroid, "Chrome Mobile 122.0.0", browserApp},
	}
	c.rich[platWindows] = map[appKind]client{
		kindOffice:     {"Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)", osWindows, "Rich Client 16.0.17328", richApp},
		kindTeams:      {chrome122 + " Edg/122.0.0.0 Teams/24033.811.2738.2546", osWindows, "Rich Client 24033.811", richApp},
		kindOneDrive:   {"Microsoft SkyDriveSync 24.030.0211.0002 ship; Windows NT 10.0 (22631)", osWindows, "Rich Client 24.030.0211", richApp},
		kindCLI:        {"python/3.11.8 (Windows-10-10.0.22631-SP0) msal/1.27.0 azure-cli/2.58.0", osWindows, "", richApp},
		kindPowerShell: {"Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.22631; en-US) PowerShell/7.4.1", osWindows, "", richApp},
		kindVSCode:     {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Code/1.87.0 Chrome/118.0.5993.159 Electron/27.3.2 Safari/537.36", osWindows, "Rich Client 1.87.0", richApp},
		kindWindows:    {"Windows-AzureAD-Authentication-Provider/1.0", osWindows, "", richApp},
		kindEdge:       {chrome122 + " Edg/122.0.0.0", osWindows, "Edge 122.0.0", richApp},
	}
	c.rich[platMac] = map[appKind]client{
		kindTeams:      {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Teams/24033.811.2738.2546", osMac, "Rich Client 24033.811", richApp},
		kindOneDrive:   {"Microsoft SkyDriveSync 24.030.0211.0003 ship; Mac OS X 14.3.1", osMac, "Rich Client 24.030.0211", richApp},
		kindCLI:        {"python/3.11.8 (macOS-14.3.1-arm64-arm-64bit) msal/1.27.0 azure-cli/2.58.0", osMac, "", richApp},
		kindPowerShell: {"Mozilla/5.0 (Macintosh; Darwin 23.3.0 Darwin Kernel Version 23.3.0; en-US) PowerShell/7.4.1", osMac, "", richApp},
		kindVSCode:     {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Code/1.87.0 Chrome/118.0.5993.159 Electron/27.3.2 Safari/537.36", osMac, "Rich Client 1.87.0", richApp},
		kindEdge:       {macChrome + " Edg/122.0.0.0", osMac, "Edge 122.0.0", richApp},
	}
	c.rich[platLinux] = map[appKind]client{
		kindCLI:    {"python/3.11.8 (Linux-6.5.0-21-generic-x86_64-with-glibc2.35) msal/1.27.0 azure-cli/2.58.0", osLinux, "", richApp},
		kindVSCode: {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Code/1.87.0 Chrome/118.0.5993.159 Electron/27.3.2 Safari/537.36", osLinux, "Rich Client 1.87.0", richApp},
	}
	c.rich[platIOS] = map[appKind]client{
		kindOutlookMobile: {"Outlook-iOS/723.4027091.prod.iphone (4.2408.0)", osIOS, "Rich Client 4.2408.0", richApp},
		kindPhoneApp:      {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148", osIOS, "Rich Client 17.3.1", richApp},
	}
	c.rich[platAndroid] = map[appKind]client{
		kindOutlookMobile: {"Outlook-Android/2.0", osAndroid, "Rich Client 4.2409.1", richApp},
		kindPhoneApp:      {"Dalvik/2.1.0 (Linux; U; Android 10; Pixel 4 Build/QQ3A.200805.001)", osAndroid, "Rich Client 2.1.0", richApp},
	}
	c.spray = client{"python-requests/2.31.0", "", "", richApp}
	return c
}
