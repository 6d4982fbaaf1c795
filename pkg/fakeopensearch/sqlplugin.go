/*
Copyright 2026 The OpenSearch DataSource Operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package fakeopensearch

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode/utf16"
)

const reservedName = "@opensearch"

var (
	nameRE        = regexp.MustCompile(`^[@*A-Za-z]+?[*a-zA-Z_\-0-9]*$`)
	resultIndexRE = regexp.MustCompile(`^[a-z0-9_-]+$`)
	secretSuffix  = []string{"auth.username", "auth.password", "auth.access_key", "auth.secret_key"}
)

// sqlBody is a parsed POST/PUT/PATCH body of the SQL plugin.
type sqlBody struct {
	present     map[string]bool
	name        *string
	connector   *string // upper-cased, validated (POST/PUT only)
	description *string
	roles       []string
	resultIndex *string
	status      *string            // upper-cased, validated
	props       map[string]*string // nil value = JSON null
}

func javaLen(s string) int { return len(utf16.Encode([]rune(s))) }

// parseSQLBody mirrors XContentParserUtils.toDataSourceMetadata (patch=false)
// and XContentParserUtils.toMap (patch=true) of release rel. All errors are
// core-shaped.
func parseSQLBody(body []byte, patch bool, rel release) (*sqlBody, *apiError) {
	fields, e := bodyFields(body)
	if e != nil {
		return nil, e
	}
	b := &sqlBody{present: map[string]bool{}}
	for _, f := range fields {
		if !rel.knowsField(f.key) {
			// The parser fails on the first field it does not know.
			return nil, illegalArg("Unknown field: " + f.key)
		}
		b.present[f.key] = true
		if e := b.set(body, f, patch, rel); e != nil {
			return nil, e
		}
	}
	if patch {
		if b.name == nil {
			return nil, illegalArg("Name is a required field.")
		}
		return b, nil
	}
	if e := validateMetadata(b.name, b.connector != nil, b.resultIndex, true); e != nil {
		return nil, e
	}
	return b, nil
}

// set reads one top-level member of a SQL-plugin body into b.
func (b *sqlBody) set(body []byte, f field, patch bool, rel release) *apiError {
	var e *apiError
	switch f.key {
	case "name":
		if b.name, e = textOrNull(body, f); e != nil {
			return e
		}
	case "description":
		if b.description, e = textOrNull(body, f); e != nil {
			return e
		}
	case "connector":
		if patch {
			return nil // PATCH silently ignores the connector
		}
		t, e := textOrNull(body, f)
		if e != nil {
			return e
		}
		if t == nil {
			return coreErr(500, "null_pointer_exception",
				`Cannot invoke "String.toUpperCase()" because "name" is null`)
		}
		up := strings.ToUpper(*t)
		if !rel.knowsConnector(up) {
			return illegalArg(fmt.Sprintf("No DataSourceType with name %s found", *t))
		}
		b.connector = &up
	case "allowedRoles":
		if b.roles, e = stringList(body, f); e != nil {
			return e
		}
	case "properties":
		pf, e := objectFields(body, f.off, f.off+len(f.raw))
		if e != nil {
			return e
		}
		b.props = map[string]*string{}
		for _, p := range pf {
			t, e := textOrNull(body, p)
			if e != nil {
				return e
			}
			b.props[p.key] = t
		}
	case "resultIndex":
		if b.resultIndex, e = textOrNull(body, f); e != nil {
			return e
		}
	case "status":
		if b.status, e = statusField(body, f); e != nil {
			return e
		}
	default:
		return illegalArg("Unknown field: " + f.key)
	}
	return nil
}

// resultIndexProblems returns the concatenated (no separator) messages of
// every broken resultIndex rule, or "".
func resultIndexProblems(ri string, requirePrefix bool) string {
	var msg string
	if javaLen(ri) > 255 {
		msg += "Result index name size must contains less than 255 characters."
	}
	if !resultIndexRE.MatchString(ri) {
		msg += "Result index name has invalid character. Valid characters are a-z, 0-9, -(hyphen) and _(underscore)."
	}
	if requirePrefix && !strings.HasPrefix(ri, "query_execution_result") {
		msg += "Result index must start with query_execution_result"
	}
	return msg
}

func notAllowed(verb string) *apiError {
	return badRequest("ActionRequestValidationException",
		fmt.Sprintf("Validation Failed: 1: Not allowed to %s datasource with name : %s;", verb, reservedName))
}

func notFoundGet(name string) *apiError {
	return pluginErr(404, "DataSourceNotFoundException", fmt.Sprintf("DataSource with name %s doesn't exist.", name))
}

func notFoundStorage(name string) *apiError {
	return pluginErr(404, "DataSourceNotFoundException", fmt.Sprintf("Datasource with name: %s doesn't exist", name))
}

func (s *Server) serveSQLPlugin(w http.ResponseWriter, rt route, body []byte) *apiError {
	switch rt.op {
	case OpCreate:
		return s.sqlCreate(w, body)
	case OpUpdate:
		return s.sqlUpdate(w, body)
	case OpPatch:
		return s.sqlPatch(w, body)
	}
	return s.serveRead(w, rt)
}

// serveRead serves what both dialects answer alike: a get, the list, and
// a delete.
func (s *Server) serveRead(w http.ResponseWriter, rt route) *apiError {
	switch rt.op {
	case OpGet:
		return s.getOne(w, rt.name)
	case OpList:
		return s.list(w)
	case OpDelete:
		return s.deleteOne(w, rt.name)
	}
	return nil
}

func (s *Server) sqlCreate(w http.ResponseWriter, body []byte) *apiError {
	b, e := parseSQLBody(body, false, s.release)
	if e != nil {
		return e
	}
	if *b.name == reservedName {
		return notAllowed("create")
	}
	if e := s.checkPermission(ActionCreate); e != nil {
		return e
	}
	s.mu.Lock()
	n, limit := len(s.docs), s.limit
	s.mu.Unlock()
	if s.release.hasLimit() && n >= limit {
		return badRequest("IllegalStateException", fmt.Sprintf("domain concurrent datasources can not exceed %d", limit))
	}
	injected, e := s.validateConnector(*b.connector, b.props)
	if e != nil {
		return e
	}
	if e := s.checkMasterKey(b.props); e != nil {
		return e
	}
	doc := Document{
		Name:         *b.name,
		Description:  deref(b.description),
		Connector:    *b.connector,
		AllowedRoles: b.roles,
		Properties:   mergeProps(nil, b.props, injected),
		ResultIndex:  deref(b.resultIndex),
		Status:       deref(b.status),
	}
	s.fillDefaults(&doc)
	s.mu.Lock()
	if _, exists := s.docs[doc.Name]; exists {
		s.mu.Unlock()
		return badRequest("IllegalArgumentException", "A datasource already exists with name: "+doc.Name)
	}
	s.docs[doc.Name] = &doc
	s.mu.Unlock()
	s.writeMessage(w, http.StatusCreated, "Created DataSource with name "+doc.Name)
	return nil
}

func (s *Server) sqlUpdate(w http.ResponseWriter, body []byte) *apiError {
	b, e := parseSQLBody(body, false, s.release)
	if e != nil {
		return e
	}
	if *b.name == reservedName {
		return notAllowed("update")
	}
	if e := s.checkPermission(ActionUpdate); e != nil {
		return e
	}
	// Validation runs on the request (before the existence check).
	injected, e := s.validateConnector(*b.connector, b.props)
	if e != nil {
		return e
	}
	if e := s.checkMasterKey(b.props); e != nil {
		return e
	}
	s.mu.Lock()
	old, ok := s.docs[*b.name]
	if !ok {
		s.mu.Unlock()
		return notFoundStorage(*b.name)
	}
	// A partial-document update: top-level fields replaced (with defaults),
	// properties merged key by key.
	doc := Document{
		Name:         *b.name,
		Description:  deref(b.description),
		Connector:    *b.connector,
		AllowedRoles: b.roles,
		Properties:   mergeProps(old.Properties, b.props, injected),
		ResultIndex:  deref(b.resultIndex),
		Status:       deref(b.status),
	}
	s.fillDefaults(&doc)
	s.docs[doc.Name] = &doc
	s.mu.Unlock()
	s.writeMessage(w, http.StatusOK, "Updated DataSource with name "+doc.Name)
	return nil
}

func (s *Server) sqlPatch(w http.ResponseWriter, body []byte) *apiError {
	b, e := parseSQLBody(body, true, s.release)
	if e != nil {
		return e
	}
	name := *b.name
	if name == reservedName {
		return notAllowed("update")
	}
	if e := s.checkPermission(ActionPatch); e != nil {
		return e
	}
	cur, ok := s.Stored(name)
	if !ok {
		return notFoundGet(name)
	}
	// PATCH merges into the decrypted stored metadata.
	if e := s.checkMasterKey(storedProps(cur)); e != nil {
		return e
	}
	patchMetadata(&cur, b)
	merged := storedProps(cur)
	for k, v := range b.props {
		merged[k] = v
	}
	// The merged document is fully re-validated in the service layer, so
	// failures are plugin-shaped.
	if b.present["resultIndex"] && b.resultIndex != nil {
		if msg := resultIndexProblems(*b.resultIndex, true); msg != "" {
			return badRequest("IllegalArgumentException", msg)
		}
	}
	injected, e := s.validateConnector(strings.ToUpper(cur.Connector), merged)
	if e != nil {
		return e
	}
	if e := s.checkMasterKey(merged); e != nil {
		return e
	}
	cur.Properties = mergeProps(nil, merged, injected)
	s.fillDefaults(&cur)
	s.mu.Lock()
	if _, ok := s.docs[name]; !ok {
		s.mu.Unlock()
		return notFoundGet(name)
	}
	s.docs[name] = &cur
	s.mu.Unlock()
	s.writeMessage(w, http.StatusOK, "Updated DataSource with name "+name)
	return nil
}

// patchMetadata applies a PATCH's top-level fields to cur, as
// DataSourceServiceImpl.constructUpdatedDatasourceMetadata does.
func patchMetadata(cur *Document, b *sqlBody) {
	if b.present["description"] {
		cur.Description = deref(b.description)
	}
	if b.present["allowedRoles"] {
		cur.AllowedRoles = b.roles
	}
	if b.present["status"] {
		cur.Status = deref(b.status)
	}
	if b.present["resultIndex"] {
		cur.ResultIndex = deref(b.resultIndex)
		// Bug-compatible: the resultIndex case falls through to the status
		// case, so a PATCH with resultIndex but without status re-activates.
		if !b.present["status"] {
			cur.Status = ""
		}
	}
}

func (s *Server) getOne(w http.ResponseWriter, name string) *apiError {
	if name == reservedName {
		return notAllowed("fetch")
	}
	if e := s.checkPermission(ActionRead); e != nil {
		return e
	}
	c, ok := s.Stored(name)
	if !ok && s.mode == ModeSQLPlugin && s.release.legacy() {
		return badRequest("IllegalArgumentException", fmt.Sprintf("DataSource with name: %s doesn't exist.", name))
	}
	if !ok {
		return notFoundGet(name)
	}
	// GET of one data source decrypts its credentials before it strips them.
	if e := s.checkMasterKey(storedProps(c)); e != nil {
		return e
	}
	writeJSON(w, http.StatusOK, s.render(&c))
	return nil
}

func (s *Server) list(w http.ResponseWriter) *apiError {
	if e := s.checkPermission(ActionRead); e != nil {
		return e
	}
	s.mu.Lock()
	names := make([]string, 0, len(s.docs))
	for n := range s.docs {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]any, 0, len(names))
	for _, n := range names {
		c := copyDoc(s.docs[n])
		out = append(out, s.render(&c))
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) deleteOne(w http.ResponseWriter, name string) *apiError {
	if name == reservedName {
		return notAllowed("delete")
	}
	if e := s.checkPermission(ActionDelete); e != nil {
		return e
	}
	s.mu.Lock()
	d, ok := s.docs[name]
	var id string
	if ok {
		id = d.DataSourceID
		delete(s.docs, name)
	}
	s.mu.Unlock()
	if !ok {
		return notFoundStorage(name)
	}
	if s.mode == ModeDocumented {
		writeJSON(w, http.StatusOK, docDeleteResponse{DataSourceID: id, Name: name, Message: "Data source deleted successfully."})
		return nil
	}
	writeRaw(w, http.StatusNoContent, nil)
	return nil
}

// sqlDocOut is the SQL plugin's GET representation (Gson field order).
type sqlDocOut struct {
	Name         string         `json:"name"`
	Description  string         `json:"description"`
	Connector    string         `json:"connector"`
	AllowedRoles []string       `json:"allowedRoles"`
	Properties   map[string]any `json:"properties"`
	ResultIndex  string         `json:"resultIndex"`
	Status       string         `json:"status"`
}

func (s *Server) render(d *Document) any {
	s.fillDefaults(d)
	if s.mode == ModeDocumented {
		return renderDocumented(d)
	}
	props := map[string]any{}
	for k, v := range d.Properties {
		if v == nil || s.release.hiddenOnGet(k) {
			continue
		}
		props[k] = v
	}
	return sqlDocOut{
		Name:         d.Name,
		Description:  d.Description,
		Connector:    strings.ToUpper(d.Connector),
		AllowedRoles: d.AllowedRoles,
		Properties:   props,
		ResultIndex:  d.ResultIndex,
		Status:       strings.ToUpper(d.Status),
	}
}

func isSecretKey(k string) bool {
	for _, suf := range secretSuffix {
		if strings.HasSuffix(k, suf) {
			return true
		}
	}
	return false
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// mergeProps returns old + upd (a nil value removes the key) + injected.
func mergeProps(old map[string]any, upd map[string]*string, injected map[string]string) map[string]any {
	out := map[string]any{}
	for k, v := range old {
		out[k] = v
	}
	for k, v := range upd {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = *v
		}
	}
	for k, v := range injected {
		out[k] = v
	}
	return out
}

// ---- connector validation (§5.4) ----

// requireProps mirrors DatasourceValidationUtils.validateHasRequiredProperties.
func requireProps(props map[string]*string, keys ...string) *apiError {
	var missing, tooLong []string
	for _, k := range keys {
		v, ok := props[k]
		if !ok {
			missing = append(missing, k)
			continue
		}
		if v == nil {
			return badRequest("NullPointerException",
				`Cannot invoke "String.length()" because the return value of "java.util.Map.get(Object)" is null`)
		}
		if javaLen(*v) > 1000 {
			tooLong = append(tooLong, k)
		}
	}
	var msg string
	if len(missing) > 0 {
		msg += fmt.Sprintf("Missing [%s] fields in the connector properties.", strings.Join(missing, ", "))
	}
	if len(tooLong) > 0 {
		msg += fmt.Sprintf("Fields [%s] exceeds more than 1000 characters.", strings.Join(tooLong, ", "))
	}
	if msg != "" {
		return badRequest("IllegalArgumentException", msg)
	}
	return nil
}

func get(props map[string]*string, k string) (string, bool) {
	v, ok := props[k]
	if !ok || v == nil {
		return "", false
	}
	return *v, true
}

// javaToBoolean mirrors commons-lang BooleanUtils.toBoolean(String).
func javaToBoolean(v string, ok bool) bool {
	if !ok {
		return false
	}
	switch strings.ToLower(v) {
	case "true", "on", "yes", "y", "t":
		return true
	}
	return false
}

// masterKeyMsg is EncryptorImpl's refusal to encrypt or decrypt without a
// master key (no space after the first full stop, as in the plugin).
const masterKeyMsg = "Master key is a required config for using create and update datasource APIs." +
	"Please set plugins.query.datasources.encryption.masterkey config in opensearch.yml in all the cluster nodes. " +
	"More details can be found here: https://github.com/opensearch-project/sql/blob/main/docs/user/ppl/admin/datasources.rst" +
	"#master-key-config-for-encrypting-credential-information"

// checkMasterKey refuses to encrypt or decrypt credentials on a cluster
// without a master key. props holds the values to encrypt or decrypt.
func (s *Server) checkMasterKey(props map[string]*string) *apiError {
	if !s.opts.NoMasterKey || !s.release.requiresMasterKey() {
		return nil
	}
	for k, v := range props {
		if v != nil && isSecretKey(k) {
			return badRequest("IllegalStateException", masterKeyMsg)
		}
	}
	return nil
}

// storedProps is a stored document's properties as the parser's map.
func storedProps(d Document) map[string]*string {
	out := make(map[string]*string, len(d.Properties))
	for k, v := range d.Properties {
		if v == nil {
			out[k] = nil
			continue
		}
		sv := fmt.Sprint(v)
		out[k] = &sv
	}
	return out
}

const (
	denyMsg         = "Disallowed hostname in the uri. Validate with plugins.query.datasources.uri.hosts.denylist config"
	flintInvalidMsg = "Invalid flint host in properties."
)

// validateConnector runs the connector factory's property validation. It
// returns keys the factory injects into the stored properties.
func (s *Server) validateConnector(connector string, props map[string]*string) (map[string]string, *apiError) {
	if props == nil {
		props = map[string]*string{}
	}
	switch connector {
	case "PROMETHEUS":
		if at, ok := get(props, "prometheus.auth.type"); ok {
			var e *apiError
			switch strings.ToLower(at) {
			case "basicauth":
				e = requireProps(props, "prometheus.uri", "prometheus.auth.username", "prometheus.auth.password")
			case "awssigv4":
				e = requireProps(props, "prometheus.uri", "prometheus.auth.access_key", "prometheus.auth.secret_key", "prometheus.auth.region")
			default:
				e = badRequest("IllegalArgumentException", fmt.Sprintf("AUTH Type : %s is not supported with Prometheus Connector", at))
			}
			if e != nil {
				return nil, e
			}
		} else if e := requireProps(props, "prometheus.uri"); e != nil {
			return nil, e
		}
		uri, _ := get(props, "prometheus.uri")
		if denied, err := s.checkHost(uri); err != nil {
			return nil, badRequest("IllegalArgumentException", "Invalid URI in prometheus properties: "+err.Error())
		} else if denied {
			return nil, badRequest("IllegalArgumentException", denyMsg)
		}
		return nil, nil
	case "S3GLUE":
		return nil, s.validateGlue(props)
	case "SECURITY_LAKE":
		if v, ok := get(props, "glue.iceberg.enabled"); ok && !javaToBoolean(v, true) {
			return nil, badRequest("IllegalArgumentException", "glue.iceberg.enabled cannot be false when using Security Lake data source.")
		}
		if v, ok := get(props, "glue.lakeformation.enabled"); ok && !javaToBoolean(v, true) {
			return nil, badRequest("IllegalArgumentException", "glue.lakeformation.enabled cannot be false when using Security Lake data source.")
		}
		if v, _ := get(props, "glue.lakeformation.session_tag"); strings.TrimSpace(v) == "" {
			return nil, badRequest("IllegalArgumentException", "glue.lakeformation.session_tag must be specified when using Security Lake data source")
		}
		injected := map[string]string{"glue.iceberg.enabled": "true", "glue.lakeformation.enabled": "true"}
		withInjected := map[string]*string{}
		for k, v := range props {
			withInjected[k] = v
		}
		for k, v := range injected {
			withInjected[k] = &v
		}
		if e := s.validateGlue(withInjected); e != nil {
			return nil, e
		}
		return injected, nil
	case "SPARK":
		return nil, validateSpark(props)
	}
	return nil, nil // OPENSEARCH checks nothing
}

// validateSpark mirrors SparkStorageFactory (2.9 to 2.19): an EMR cluster
// reached with static AWS keys. Inferred from the code; no test of the
// plugin quotes these messages.
func validateSpark(props map[string]*string) *apiError {
	if v, _ := get(props, "spark.connector"); v != "emr" {
		return badRequest("InvalidParameterException", "Spark connector type is invalid.")
	}
	cluster, okCluster := get(props, "emr.cluster")
	auth, okAuth := get(props, "emr.auth.type")
	switch {
	case !okCluster || cluster == "" || !okAuth:
		return badRequest("IllegalArgumentException", "EMR config properties are missing.")
	case auth != "awssigv4":
		return badRequest("IllegalArgumentException", "Invalid auth type.")
	}
	if _, ok := get(props, "emr.auth.access_key"); !ok {
		return badRequest("IllegalArgumentException", "EMR auth keys are missing.")
	}
	if _, ok := get(props, "emr.auth.secret_key"); !ok {
		return badRequest("IllegalArgumentException", "EMR auth keys are missing.")
	}
	return nil
}

func (s *Server) validateGlue(props map[string]*string) *apiError {
	if e := requireProps(props, "glue.auth.type", "glue.auth.role_arn", "glue.indexstore.opensearch.uri", "glue.indexstore.opensearch.auth"); e != nil {
		return e
	}
	auth, _ := get(props, "glue.indexstore.opensearch.auth")
	switch strings.ToLower(auth) {
	case "basicauth":
		if e := requireProps(props, "glue.indexstore.opensearch.auth.username", "glue.indexstore.opensearch.auth.password"); e != nil {
			return e
		}
	case "awssigv4":
		if e := requireProps(props, "glue.indexstore.opensearch.region"); e != nil {
			return e
		}
	}
	uri, _ := get(props, "glue.indexstore.opensearch.uri")
	if denied, err := s.checkHost(uri); err != nil {
		return badRequest("IllegalArgumentException", flintInvalidMsg)
	} else if denied {
		return badRequest("IllegalArgumentException", denyMsg)
	}
	if s.release.hasLakeFormation() && javaToBoolean(get(props, "glue.lakeformation.enabled")) {
		if !javaToBoolean(get(props, "glue.iceberg.enabled")) {
			return badRequest("IllegalArgumentException", "Lake Formation can only be enabled when Iceberg is enabled.")
		}
		if v, _ := get(props, "glue.lakeformation.session_tag"); strings.TrimSpace(v) == "" {
			return badRequest("IllegalArgumentException", "Lake Formation session tag must be specified when enabling Lake Formation")
		}
	}
	return nil
}

// javaURISyntax words a character java.net.URI refuses as its
// URISyntaxException does: "Illegal character in authority at index 10:
// http://exa mple:9090" (the component is authority before the path, path
// after it).
func javaURISyntax(uri string) (string, bool) {
	i := strings.IndexAny(uri, " <>\"{}|\\^`")
	if i < 0 {
		return "", false
	}
	component := "path"
	if rest, ok := strings.CutPrefix(uri, "http://"); ok && !strings.Contains(rest[:i-len("http://")], "/") {
		component = "authority"
	} else if rest, ok := strings.CutPrefix(uri, "https://"); ok && !strings.Contains(rest[:i-len("https://")], "/") {
		component = "authority"
	}
	return fmt.Sprintf("Illegal character in %s at index %d: %s", component, i, uri), true
}

// checkHost parses uri, resolves its host with the injected resolver and
// reports whether any resulting address is denylisted. A URI without a host
// resolves to loopback, as in Java.
func (s *Server) checkHost(uri string) (bool, error) {
	if msg, bad := javaURISyntax(uri); bad {
		return false, errors.New(msg)
	}
	u, err := url.Parse(uri)
	if err != nil {
		// java.net.URI words every refusal with the index where it broke
		// (the plugin's text, hence the capital letters).
		msg := fmt.Sprintf("Malformed URI at index 0: %s", uri)
		if strings.Contains(uri, "[") && !strings.Contains(uri, "]") {
			msg = fmt.Sprintf("Expected closing bracket for IPv6 address at index %d: %s", len(uri), uri)
		}
		return false, errors.New(msg)
	}
	host := u.Hostname()
	var ips []net.IP
	switch {
	case host == "":
		ips = []net.IP{net.IPv4(127, 0, 0, 1)}
	case net.ParseIP(host) != nil:
		ips = []net.IP{net.ParseIP(host)}
	default:
		resolve := s.opts.Resolver
		if resolve == nil {
			resolve = func(string) ([]net.IP, error) { return []net.IP{DefaultResolvedIP}, nil }
		}
		ips, err = resolve(host)
		if err != nil {
			return false, err
		}
		if len(ips) == 0 {
			return false, fmt.Errorf("%s: Name or service not known", host)
		}
	}
	for _, ip := range ips {
		for _, n := range s.denied {
			if n.Contains(ip) {
				return true, nil
			}
		}
	}
	return false, nil
}
