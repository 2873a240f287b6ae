def test_login_page_renders_with_its_label(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"E-mail address or username" in response.content


def test_staff_sign_in_with_email_in_any_case(client, coordinator):
    response = client.post(
        "/accounts/login/",
        {"login": coordinator.email.upper(), "password": "correct horse battery"},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # one school: straight to its home page


def test_the_sign_in_page_has_one_forgotten_password_link_to_our_reset_page(client):
    page = client.get("/accounts/login/").content.decode()
    assert page.count("orgot") == 1
    assert 'href="/accounts/password-reset/"' in page
