package signingen

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// The generator makes logical sign-ins; render.go writes them in each
// Format. Nothing in rendering draws random numbers, so one seed gives the
// same sign-ins in every Format.

const (
	numUsers = 5000
	// startUnix is 2025-03-01T00:00:00Z, where the sign-ins start.
	startUnix = 1740787200
)

// category is the Azure Monitor log category of a sign-in.
type category uint8

const (
	catInteractive category = iota
	catNonInteractive
	catServicePrincipal
	catManagedIdentity
)

// String returns the Azure Monitor category name.
func (c category) String() string {
	switch c {
	case catInteractive:
		return "SignInLogs"
	case catNonInteractive:
		return "NonInteractiveUserSignInLogs"
	case catServicePrincipal:
		return "ServicePrincipalSignInLogs"
	default:
		return "ManagedIdentitySignInLogs"
	}
}

// logAnalyticsType returns the Log Analytics table of the category.
func (c category) logAnalyticsType() string {
	switch c {
	case catInteractive:
		return "SigninLogs"
	case catNonInteractive:
		return "AADNonInteractiveUserSignInLogs"
	case catServicePrincipal:
		return "AADServicePrincipalSignInLogs"
	default:
		return "AADManagedIdentitySignInLogs"
	}
}

// Contexts select an app's weight: interactive or not, desktop or phone.
const (
	ctxInteractiveDesktop = iota
	ctxInteractivePhone
	ctxNonInteractiveDesktop
	ctxNonInteractivePhone
	numContexts
)

// device is a registered device, as deviceDetail shows it.
type device struct {
	id, name, trustType string
	compliant, managed  bool
}

// mfaMethod is a user's default second factor.
type mfaMethod struct {
	method, detail string // authenticationMethod and authenticationMethodDetail
	authDetail     string // mfaDetail.authDetail; "" writes null
}

// user is a member or guest of the tenant.
type user struct {
	displayName, principalName, id string
	guest                          bool
	office                         int // index into g.offices, or -1 for remote workers
	homeLoc                        int // index into g.locations
	homeIP                         string
	desktop, phone                 platform
	desktopDevice                  device
	phoneDevice                    *device // nil when the phone is not registered
	browser                        int     // preferred desktop browser, index into g.clients.browsers
	mfa                            mfaMethod
}

// office is a company site with its egress IPv4 addresses.
type office struct {
	loc int
	ips []string
}

// netAddr is a roaming address (mobile carrier, hotel, VPN) and where it
// geolocates.
type netAddr struct {
	ip  string
	loc int
}

// outcome is a sign-in result: an error code and its texts.
type outcome struct {
	code     int32
	text     string // code as a string, Azure Monitor's resultType
	reason   string
	details  []string // one is picked at random
	nullable bool     // additionalDetails is sometimes null
}

// weighted is an outcome and its chance per million sign-ins.
type weighted struct {
	ppm int
	out *outcome
}

// step is one authenticationDetails entry.
type step struct {
	after                               int64 // seconds after createdDateTime
	method, detail, result, requirement string
	succeeded                           bool
}

// appliedPolicy is a policy and its result on one sign-in.
type appliedPolicy struct {
	p      *policy
	result string
}

// record is one logical sign-in, the fields every Format is rendered from.
// Its strings point into the generator's tables; it is reused from one
// sign-in to the next.
type record struct {
	id, correlation guid
	created         stamp
	category        category

	userDisplayName, userPrincipalName, userID string
	servicePrincipalID, servicePrincipalName   string
	guest                                      bool
	appID, appDisplayName                      string
	res                                        *resource

	ipAddress string
	loc       *location
	client    client
	device    *device // nil writes an empty deviceDetail

	out            *outcome
	details        string
	detailsNull    bool
	failureReason  string
	riskLevel      string
	riskState      string
	riskEvent      string // "" writes empty risk event lists
	caStatus       string
	policies       [2]appliedPolicy
	steps          [2]step
	nSteps         int
	multiFactor    bool
	protocol       string
	processingTime int32
	mfa            *mfaMethod // nil writes mfaDetail null
}

// identity returns who Azure Monitor names as the record's identity.
func (r *record) identity() string {
	if r.category >= catServicePrincipal {
		return r.servicePrincipalName
	}
	return r.userDisplayName
}

// interactive reports whether the sign-in is interactive.
func (r *record) interactive() bool { return r.category == catInteractive }

// generator makes sign-ins from one random stream.
type generator struct {
	rng   *rand.Rand
	clock int64 // Unix seconds of the last sign-in

	locations  []location
	resources  []resource
	apps       []*app
	thirdParty []*app
	officeHome *app
	msOffice   *app
	contexts   [numContexts]struct {
		apps  []*app
		total int
	}
	workloads []workload
	spIndex   []int // indexes of service principals in workloads
	miIndex   []int // and of managed identities
	policies  []policy
	clients   clients
	users     []user
	offices   []office
	roaming   []netAddr
	sprayIPs  []netAddr
	interOut  []weighted
	nonInOut  []weighted
	success   *outcome
	mfaByRes  []string // 50076 failure reason by resource

	consentDenials float64  // Options.ConsentDenials
	declined       *outcome // the 65004 outcome
	consentUsers   int      // consent denials by users of their own so far
}

// Outcome codes.
const (
	codeSuccess            = 0
	codeBadPassword        = 50126
	codeMFAInterrupt       = 50074
	codeMFARequired        = 50076
	codeMFAFailed          = 500121
	codeBlockedByCA        = 53003
	codeLocked             = 50053
	codeConsentDeclined    = 65004
	codeConsentNotGranted  = 65001
	codeAdminConsentNeeded = 90095
)

func newOutcome(code int32, reason string, nullable bool, details ...string) *outcome {
	return &outcome{code, strconv.Itoa(int(code)), reason, details, nullable}
}

// newGenerator returns a generator of sign-ins for seed. It builds the
// tenant (users, offices, addresses) from the same random stream.
func newGenerator(seed uint64) *generator {
	g := &generator{
		rng:       rand.New(rand.NewPCG(seed, seed)),
		clock:     startUnix,
		locations: locations(),
		resources: resources(),
		apps:      apps(),
		workloads: workloads(),
		policies:  policies(),
		clients:   newClients(),
	}
	for _, a := range g.apps {
		for c := range numContexts {
			if a.weights[c] > 0 {
				g.contexts[c].apps = append(g.contexts[c].apps, a)
				g.contexts[c].total += a.weights[c]
			}
		}
		switch {
		case a.kind == kindThirdParty:
			g.thirdParty = append(g.thirdParty, a)
		case a.name == "OfficeHome":
			g.officeHome = a
		case a.name == "Microsoft Office":
			g.msOffice = a
		}
	}
	for i, w := range g.workloads {
		if w.managed {
			g.miIndex = append(g.miIndex, i)
		} else {
			g.spIndex = append(g.spIndex, i)
		}
	}
	for _, r := range g.resources {
		g.mfaByRes = append(g.mfaByRes, "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '"+r.id+"'.")
	}
	g.buildOutcomes()
	g.buildNetwork()
	g.buildUsers()
	return g
}

func (g *generator) buildOutcomes() {
	g.success = newOutcome(codeSuccess, "Other.", false)
	badPassword := newOutcome(codeBadPassword, "Invalid username or password or Invalid on-premise username or password.", false,
		"The user didn't enter the right credentials. It's expected to see some number of these errors in your logs due to users making mistakes.")
	interrupt := newOutcome(codeMFAInterrupt, "Strong Authentication is required.", false,
		"The user was interrupted to complete multi-factor authentication.")
	required := newOutcome(codeMFARequired, "", false, "MFA required in Azure AD") // reason names the resource
	denied := newOutcome(codeMFAFailed, "Authentication failed during strong authentication request.", false,
		"MFA denied; user declined the authentication",
		"MFA denied; user declined the authentication",
		"MFA denied; user did not respond to mobile app notification",
		"MFA denied; duplicate authentication attempt")
	blocked := newOutcome(codeBlockedByCA, "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.", false,
		"The sign-in was blocked by a Conditional Access policy.")
	locked := newOutcome(codeLocked, "Account is locked because user tried to sign in too many times with an incorrect user ID or password.", false,
		"Smart Lockout locked the account after repeated failed sign-ins.")
	declined := newOutcome(codeConsentDeclined, "User declined to consent to access the app.", true,
		"The user selected Cancel on the consent prompt.")
	g.declined = declined
	notGranted := newOutcome(codeConsentNotGranted, "", false, // reason names the app
		"The app requested a permission the user has not consented to.")
	adminConsent := newOutcome(codeAdminConsentNeeded, "Admin consent is required for the permissions requested by this application. An admin consent request may be sent to the admin.", false,
		"The user was asked to request admin approval for the app.")
	// About 8% of interactive sign-ins fail and 2% of non-interactive
	// ones; a consent decline is 1 in 800 interactive sign-ins, so about
	// 1 in 2,000 records overall.
	g.interOut = []weighted{
		{35000, badPassword}, {10000, interrupt}, {20000, required}, {6000, denied},
		{5000, blocked}, {3000, locked}, {1250, declined}, {500, notGranted}, {500, adminConsent},
	}
	g.nonInOut = []weighted{
		{15000, required}, {3000, interrupt}, {3000, blocked}, {1000, notGranted},
	}
}

// buildNetwork makes the office egress addresses (192.0.2.0/24) and the
// roaming addresses (198.51.100.0/24, 203.0.113.0/24 and 2001:db8::/32).
func (g *generator) buildNetwork() {
	next := 20 // 192.0.2.10-13, .77 and .201-204 belong to workloads
	for i, l := range g.locations {
		if l.office == "" {
			continue
		}
		o := office{loc: i}
		for range 5 {
			o.ips = append(o.ips, "192.0.2."+strconv.Itoa(next))
			next++
		}
		g.offices = append(g.offices, o)
	}
	for i := 1; i < 255; i++ {
		g.roaming = append(g.roaming, netAddr{"198.51.100." + strconv.Itoa(i), g.rng.IntN(len(g.locations))})
		g.sprayIPs = append(g.sprayIPs, netAddr{"203.0.113." + strconv.Itoa(i), g.rng.IntN(len(g.locations))})
	}
	for range 1500 {
		g.roaming = append(g.roaming, netAddr{g.ipv6(), g.rng.IntN(len(g.locations))})
	}
	g.roaming = append(g.roaming, g.sprayIPs...)
}

// ipv6 returns a random address in 2001:db8::/32 in canonical form. Its
// three groups are non-zero, so the zero run between them is the only one
// and "::" is the right spelling.
func (g *generator) ipv6() string {
	b := []byte("2001:db8:")
	b = strconv.AppendUint(b, uint64(1+g.rng.IntN(0xffff)), 16)
	b = append(b, ':')
	b = strconv.AppendUint(b, uint64(1+g.rng.IntN(0xffff)), 16)
	b = append(b, "::"...)
	b = strconv.AppendUint(b, uint64(1+g.rng.IntN(0xffff)), 16)
	return string(b)
}

func (g *generator) newGUID() guid {
	var u guid
	a, b := g.rng.Uint64(), g.rng.Uint64()
	for i := range 8 {
		u[i], u[8+i] = byte(a>>(8*i)), byte(b>>(8*i))
	}
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u
}

func (g *generator) chance(percent int) bool { return g.rng.IntN(100) < percent }

func (g *generator) buildUsers() {
	first, last := firstNames(), lastNames()
	combos := g.rng.Perm(len(first) * len(last))[:numUsers]
	g.users = make([]user, numUsers)
	for i, c := range combos {
		f, l := first[c/len(last)], last[c%len(last)]
		u := &g.users[i]
		u.displayName = f.display + " " + l.display
		local := f.ascii + "." + l.ascii
		domain := "example.com"
		switch x := g.rng.IntN(100); {
		case x < 4:
			domain = "example.org"
		case x < 8:
			domain = "example.net"
		}
		u.principalName = local + "@" + domain
		u.id = g.newGUID().String()
		if g.chance(3) {
			// A B2B guest from a partner tenant.
			u.guest = true
			home := "example.net"
			if g.chance(50) {
				home = "example.org"
			}
			u.principalName = local + "_" + home + "#EXT#@example.com"
		}
		u.office, u.homeLoc = -1, g.rng.IntN(len(g.locations))
		if !u.guest && g.chance(75) {
			u.office = g.rng.IntN(len(g.offices))
			if g.chance(90) {
				u.homeLoc = g.offices[u.office].loc
			}
		}
		u.homeIP = g.ipv6()
		g.buildDevices(u, f, l)
		switch x := g.rng.IntN(100); {
		case x < 75:
			u.mfa = mfaMethod{"Mobile app notification", "Microsoft Authenticator app", ""}
		case x < 90:
			phone := "+1 XXXXXXXX" + strconv.Itoa(10+g.rng.IntN(90))
			u.mfa = mfaMethod{"Text message", phone, phone}
		default:
			u.mfa = mfaMethod{"OATH verification code", "Microsoft Authenticator app", ""}
		}
	}
}

func (g *generator) buildDevices(u *user, f, l personName) {
	name := []byte(f.ascii[:1] + l.ascii)
	if len(name) > 10 {
		name = name[:10]
	}
	for i, c := range name {
		if 'a' <= c && c <= 'z' {
			name[i] = c - 'a' + 'A'
		}
	}
	d := &u.desktopDevice
	switch x := g.rng.IntN(100); {
	case x < 70:
		u.desktop = platWindows
		d.name = string(name) + "-LT" + strconv.Itoa(10+g.rng.IntN(90))
		d.trustType = "Azure AD joined"
		if g.chance(45) {
			d.trustType = "Hybrid Azure AD joined"
		}
		d.managed, d.compliant = true, g.chance(95)
	case x < 92:
		u.desktop = platMac
		d.name = string(name) + "-MBP"
		d.trustType = "Azure AD registered"
		d.managed = g.chance(80)
		d.compliant = d.managed
	default:
		u.desktop = platLinux // not registered: deviceDetail stays empty
	}
	if u.desktop != platLinux {
		d.id = g.newGUID().String()
	}
	u.browser = g.rng.IntN(len(g.clients.browsers[u.desktop]))
	u.phone = platIOS
	if g.chance(45) {
		u.phone = platAndroid
	}
	if g.chance(60) {
		p := &device{id: g.newGUID().String(), trustType: "Azure AD registered"}
		p.name = "iPhone"
		if u.phone == platAndroid {
			p.name = "Pixel 8"
		}
		p.managed = g.chance(70)
		p.compliant = p.managed
		u.phoneDevice = p
	}
	if u.guest {
		u.desktopDevice = device{}
		u.phoneDevice = nil
	}
}

// next fills r with the next sign-in.
func (g *generator) next(r *record) {
	// Gaps of 1 s plus a rounded exponential: about 1.96 s on average,
	// strictly increasing whole seconds; one in twenty has a fraction.
	g.clock += 1 + int64(math.Round(g.rng.ExpFloat64()))
	*r = record{
		id:          g.newGUID(),
		correlation: g.newGUID(),
		created:     stamp{sec: g.clock},
		riskLevel:   "none",
		riskState:   "none",
		protocol:    "none",
	}
	if g.chance(5) {
		r.created.frac = 1 + g.rng.Int32N(9_999_999)
	}
	// Drawn only with the option, so that without it the stream, and
	// the output, are as they were.
	if g.consentDenials > 0 && g.rng.Float64() < g.consentDenials {
		g.userSignIn(r, catInteractive, g.declined)
		g.ownUser(r)
		return
	}
	switch x := g.rng.IntN(100); {
	case x < 40:
		g.userSignIn(r, catInteractive, nil)
	case x < 88:
		g.userSignIn(r, catNonInteractive, nil)
	case x < 96:
		g.workloadSignIn(r, catServicePrincipal, g.spIndex)
	default:
		g.workloadSignIn(r, catManagedIdentity, g.miIndex)
	}
}

func (g *generator) workloadSignIn(r *record, c category, index []int) {
	w := &g.workloads[index[g.rng.IntN(len(index))]]
	r.category = c
	r.appID, r.appDisplayName = w.appID, w.name
	r.servicePrincipalID, r.servicePrincipalName = w.spID, w.name
	r.res = &g.resources[w.resources[g.rng.IntN(len(w.resources))]]
	r.ipAddress, r.loc = w.ip, &g.locations[w.loc]
	r.out, r.failureReason = g.success, g.success.reason
	r.policies = [2]appliedPolicy{
		{&g.policies[caWorkloadLocations], "notApplied"},
		{&g.policies[caWorkloadRisk], "reportOnlyNotApplied"},
	}
	r.caStatus = "notApplied"
	r.processingTime = 8 + g.rng.Int32N(30)
}

// Where a user signs in from.
const (
	fromDesktop   = iota // the user's own computer
	fromPhone            // the user's phone
	fromUnmanaged        // someone else's computer: a kiosk, a home PC
)

// userSignIn fills r with a sign-in of a tenant user in category c, with
// outcome out, or one picked at random when out is nil.
func (g *generator) userSignIn(r *record, c category, out *outcome) {
	r.category = c
	u := &g.users[g.rng.IntN(len(g.users))]
	r.userDisplayName, r.userPrincipalName, r.userID = u.displayName, u.principalName, u.id
	r.guest = u.guest
	r.out = out
	if out == nil {
		r.out = g.pickOutcome(c)
	}
	code := r.out.code

	from := fromDesktop
	switch x := g.rng.IntN(100); {
	case u.guest || x >= 93:
		from = fromUnmanaged
	case x >= 78:
		from = fromPhone
	}
	var a *app
	switch code {
	case codeConsentDeclined, codeConsentNotGranted, codeAdminConsentNeeded:
		a = g.thirdParty[g.rng.IntN(len(g.thirdParty))]
	default:
		ctx := ctxInteractiveDesktop
		if from == fromPhone {
			ctx = ctxInteractivePhone
		}
		if c == catNonInteractive {
			ctx += ctxNonInteractiveDesktop
		}
		a = g.pickApp(ctx)
	}
	plat := u.desktop
	switch from {
	case fromPhone:
		plat, r.device = u.phone, u.phoneDevice
	case fromDesktop:
		if u.desktopDevice.id != "" {
			r.device = &u.desktopDevice
		}
	case fromUnmanaged:
		plat = platform(g.rng.IntN(int(platLinux) + 1))
	}
	a, r.client = g.pickClient(a, u, plat, from)
	r.appID, r.appDisplayName = a.id, a.name
	resIndex := a.resources[g.rng.IntN(len(a.resources))]
	r.res = &g.resources[resIndex]
	g.pickNetwork(r, u, from)

	r.failureReason = r.out.reason
	switch code {
	case codeMFARequired:
		r.failureReason = g.mfaByRes[resIndex]
	case codeConsentNotGranted:
		r.failureReason = a.consent65001
	}
	if len(r.out.details) > 0 {
		r.details = r.out.details[g.rng.IntN(len(r.out.details))]
		r.detailsNull = r.out.nullable && g.chance(10)
	}
	if c == catInteractive {
		r.processingTime = 60 + g.rng.Int32N(340)
	} else {
		r.processingTime = 15 + g.rng.Int32N(100)
	}
	g.authenticate(r, u, a)
}

// ownUser gives r's sign-in a user no other sign-in has: the tenant
// user's name with a number of its own after the local part
// ("jane.doe.17@example.com", "jane.doe.17_example.net#EXT#@example.com")
// and a fresh id.
func (g *generator) ownUser(r *record) {
	g.consentUsers++
	pn := r.userPrincipalName
	cut := strings.IndexAny(pn, "_@")
	if cut < 0 {
		cut = len(pn)
	}
	r.userPrincipalName = pn[:cut] + "." + strconv.Itoa(g.consentUsers) + pn[cut:]
	r.userDisplayName += " " + strconv.Itoa(g.consentUsers)
	r.userID = g.newGUID().String()
}

func (g *generator) pickOutcome(c category) *outcome {
	table := g.interOut
	if c == catNonInteractive {
		table = g.nonInOut
	}
	x := g.rng.IntN(1_000_000)
	for _, w := range table {
		if x < w.ppm {
			return w.out
		}
		x -= w.ppm
	}
	return g.success
}

func (g *generator) pickApp(ctx int) *app {
	x := g.rng.IntN(g.contexts[ctx].total)
	for _, a := range g.contexts[ctx].apps {
		if x < a.weights[ctx] {
			return a
		}
		x -= a.weights[ctx]
	}
	return g.officeHome // not reached: the weights add up to total
}

// pickClient returns the user agent of a sign-in to a on platform plat.
// Rich clients run only where they exist; elsewhere the sign-in becomes
// a browser sign-in, to Office on the web for apps without a web version.
func (g *generator) pickClient(a *app, u *user, plat platform, from int) (*app, client) {
	browsers := g.clients.browsers[plat]
	browser := browsers[g.rng.IntN(len(browsers))]
	if from == fromDesktop && g.chance(85) {
		browser = browsers[u.browser]
	}
	switch a.kind {
	case kindWeb, kindThirdParty:
		return a, browser
	case kindOffice, kindTeams:
		if rich, ok := g.clients.rich[plat][a.kind]; ok && from != fromUnmanaged && g.chance(80) {
			return a, rich
		}
		return a, browser
	}
	if rich, ok := g.clients.rich[plat][a.kind]; ok && from != fromUnmanaged {
		return a, rich
	}
	return g.officeHome, browser
}

// pickNetwork sets the address and location: the office, home or a
// roaming address.
func (g *generator) pickNetwork(r *record, u *user, from int) {
	roam := func() {
		n := g.roaming[g.rng.IntN(len(g.roaming))]
		r.ipAddress, r.loc = n.ip, &g.locations[n.loc]
	}
	home := func() { r.ipAddress, r.loc = u.homeIP, &g.locations[u.homeLoc] }
	x := g.rng.IntN(100)
	switch {
	case r.out.code == codeBlockedByCA:
		roam()
	case from == fromPhone && x < 45, from == fromUnmanaged && x < 30, x < 10:
		roam()
	case u.office >= 0 && x < 65:
		o := &g.offices[u.office]
		r.ipAddress, r.loc = o.ips[g.rng.IntN(len(o.ips))], &g.locations[o.loc]
	default:
		home()
	}
}

// authenticate fills the authentication steps, Conditional Access, risk and
// MFA details from the outcome.
func (g *generator) authenticate(r *record, u *user, a *app) {
	password := func(ok bool, result string) {
		r.steps[r.nSteps] = step{0, "Password", "Password in the cloud", result, "Primary authentication", ok}
		r.nSteps++
	}
	claim := func(mfa bool) {
		s := step{0, "Previously satisfied", "", "First factor requirement satisfied by claim in the token", "Primary authentication", true}
		if mfa {
			s.result, s.requirement = "MFA requirement satisfied by claim in the token", "Multifactor authentication"
		}
		if r.nSteps > 0 {
			s.after = 1
		}
		r.steps[r.nSteps] = s
		r.nSteps++
	}
	prompt := func(ok bool, result string) {
		m := &u.mfa
		r.steps[r.nSteps] = step{5 + g.rng.Int64N(40), m.method, m.detail, result, "Multifactor authentication", ok}
		r.nSteps++
		r.mfa = m
		r.multiFactor = true
	}
	primary := &g.policies[caRequireMFA]
	primaryResult := "notApplied"
	evaluated := true // whether Conditional Access ran (not after a failed password)
	interactive := r.interactive()

	switch r.out.code {
	case codeSuccess:
		switch x := g.rng.IntN(100); {
		case !interactive && x < 75:
			claim(true)
			r.details, r.multiFactor, primaryResult = "MFA requirement satisfied by claim in the token", true, "success"
		case !interactive:
			claim(false)
		case x < 25:
			password(true, "Correct password")
			prompt(true, "MFA successfully completed")
			r.details, primaryResult = "MFA completed in Azure AD", "success"
		case x < 60:
			password(true, "Correct password")
			claim(true)
			r.details, r.multiFactor, primaryResult = "MFA requirement satisfied by claim in the token", true, "success"
		case x < 92:
			claim(true)
			r.details, r.multiFactor, primaryResult = "MFA requirement satisfied by claim in the token", true, "success"
		default:
			password(true, "Correct password")
		}
		if interactive && a.kind == kindCLI && g.chance(30) {
			r.protocol = "deviceCode"
		}
	case codeBadPassword, codeLocked:
		password(false, r.out.reason)
		evaluated = false
		if r.out.code == codeBadPassword {
			if g.chance(25) {
				r.riskLevel, r.riskState, r.riskEvent = "low", "atRisk", "suspiciousIPAddress"
			}
			if g.chance(12) {
				// A password-spraying script using ROPC from a hosting range.
				n := g.sprayIPs[g.rng.IntN(len(g.sprayIPs))]
				r.ipAddress, r.loc = n.ip, &g.locations[n.loc]
				r.client, r.device, r.protocol = g.clients.spray, nil, "ropc"
				r.appID, r.appDisplayName = g.msOffice.id, g.msOffice.name
				r.res = &g.resources[resExchange]
			}
		}
	case codeMFAInterrupt, codeMFARequired:
		if interactive {
			password(true, "Correct password")
		} else {
			claim(false)
		}
		r.multiFactor, primaryResult = true, "failure"
	case codeMFAFailed:
		password(true, "Correct password")
		prompt(false, r.details)
		primaryResult = "failure"
		if g.chance(40) {
			r.riskLevel, r.riskState, r.riskEvent = "medium", "atRisk", "unfamiliarFeatures"
		}
	case codeBlockedByCA:
		if interactive {
			password(true, "Correct password")
		} else {
			claim(false)
		}
		primary = &g.policies[caBlockCountries]
		primaryResult = "failure"
	default: // consent
		if interactive && g.chance(50) {
			password(true, "Correct password")
		} else {
			claim(false)
		}
		evaluated = false
	}

	second := &g.policies[caBlockLegacy]
	secondResult := "notApplied"
	switch {
	case r.device == nil:
		second = &g.policies[caSignInFrequency]
		if evaluated && r.out.code == codeSuccess {
			secondResult = "success"
		}
	case g.chance(50):
		second = &g.policies[caCompliantDevice]
		secondResult = "reportOnlyFailure"
		if r.device.compliant {
			secondResult = "reportOnlySuccess"
		}
		if !evaluated {
			secondResult = "reportOnlyNotApplied"
		}
	}
	if !evaluated {
		primaryResult = "notApplied"
	}
	r.policies = [2]appliedPolicy{{primary, primaryResult}, {second, secondResult}}
	switch {
	case primaryResult == "failure":
		r.caStatus = "failure"
	case primaryResult == "success" || secondResult == "success":
		r.caStatus = "success"
	default:
		r.caStatus = "notApplied"
	}
}
